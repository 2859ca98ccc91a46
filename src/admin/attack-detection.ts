import { Hono } from "hono";
import type { AppEnv } from "../config";
import { accountGuard, guardPolicy } from "../limits/guard";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { pathUser } from "./users";

/** `/admin/realms/{realm}/attack-detection/brute-force/users/{id}`: read and clear. */
export const attackDetectionRoutes = new Hono<AppEnv>();

attackDetectionRoutes.get("/users/:id", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const user = await pathUser(c);
  const guard = accountGuard(c.env, c.var.realm.id, `user:${user.id}`);
  const status = await guard.check(guardPolicy(c.var.realm));
  // Keycloak's shape; Latchkey keeps no failing IP address per account.
  return c.json({
    numFailures: status.failures,
    disabled: status.locked,
    lastIPFailure: "n/a",
    lastFailure: status.lastFailure ?? 0,
  });
});

attackDetectionRoutes.delete("/users/:id", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  await accountGuard(c.env, c.var.realm.id, `user:${user.id}`).reset();
  auditChange(c, "DELETE", "USER_LOGIN_FAILURE", `attack-detection/brute-force/users/${user.id}`);
  return c.body(null, 204);
});
