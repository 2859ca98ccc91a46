import { eq } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../config";
import { sessions } from "../db/schema";
import { endSession, isSessionExpired } from "../db/sessions";
import { announceSessionEnd } from "../oidc/backchannel/announce";
import { nowSeconds } from "../time";
import { auditAccess, auditChange } from "./audit";
import { requireRole } from "./auth";
import { pathUser } from "./users";

/** `/admin/realms/{realm}/users/{id}`: the user's SSO sessions, and signing them out. */
export const userSessionRoutes = new Hono<AppEnv>();

userSessionRoutes.get("/sessions", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const user = await pathUser(c);
  const now = nowSeconds();
  const rows = await c.var.db.select().from(sessions).where(eq(sessions.userId, user.id));
  auditAccess(c, user.id, "ADMIN_READ");
  // Keycloak's UserSessionRepresentation; Latchkey keeps no IP address per session.
  return c.json(
    rows
      .filter((session) => !isSessionExpired(session, c.var.realm, now))
      .map((session) => ({
        id: session.id,
        username: user.username,
        userId: user.id,
        start: session.authTime * 1000,
        lastAccess: session.lastSeenAt * 1000,
        clients: {},
      })),
  );
});

userSessionRoutes.post("/logout", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  const rows = await c.var.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(eq(sessions.userId, user.id));
  for (const { id } of rows) {
    // Back-channel logout to the relying parties, as when the person signs out.
    await announceSessionEnd(c, await endSession(c.var.db, id));
  }
  auditChange(c, "ACTION", "USER", `users/${user.id}/logout`);
  auditAccess(c, user.id, "ADMIN_UPDATE");
  return c.body(null, 204);
});
