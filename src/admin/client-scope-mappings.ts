import { and, eq, inArray } from "drizzle-orm";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import { clientScopeRoles, roles } from "../db/role-schema";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { pathClient } from "./client-store";
import {
  clientContainer,
  inContainer,
  namedRoles,
  type RoleContainer,
  realmContainer,
  roleRepresentations,
} from "./role-container";

/**
 * Keycloak's scope mappings of a client: the roles its tokens may carry when it does not have
 * the full scope, besides its own. `realm` holds realm roles, `clients/{id}` another client's.
 */
function scopeMappingRoutes(containerFor: (c: Context<AppEnv>) => Promise<RoleContainer>) {
  const routes = new Hono<AppEnv>();
  const resourcePath = (c: Context<AppEnv>) =>
    new URL(c.req.url).pathname.replace(/^.*?\/clients\//, "clients/");

  routes.get("/", async (c) => {
    requireRole(c, c.var.realm.name, "view-clients");
    const client = await pathClient(c);
    const container = await containerFor(c);
    const rows = await c.var.db
      .select({ role: roles })
      .from(clientScopeRoles)
      .innerJoin(roles, eq(roles.id, clientScopeRoles.roleId))
      .where(and(eq(clientScopeRoles.clientId, client.id), inContainer(c, container)))
      .orderBy(roles.name);
    return c.json(
      await roleRepresentations(
        c,
        rows.map((row) => row.role),
      ),
    );
  });

  routes.post("/", async (c) => {
    requireRole(c, c.var.realm.name, "manage-clients");
    const client = await pathClient(c);
    const named = await namedRoles(c, await containerFor(c));
    const inserts = named.map((role) =>
      c.var.db
        .insert(clientScopeRoles)
        .values({ clientId: client.id, roleId: role.id })
        .onConflictDoNothing(),
    );
    const [first, ...rest] = inserts;
    if (first) await c.var.db.batch([first, ...rest]);
    auditChange(c, "CREATE", "REALM_SCOPE_MAPPING", resourcePath(c), named);
    return c.body(null, 204);
  });

  routes.delete("/", async (c) => {
    requireRole(c, c.var.realm.name, "manage-clients");
    const client = await pathClient(c);
    const ids = (await namedRoles(c, await containerFor(c))).map((role) => role.id);
    if (ids.length > 0) {
      await c.var.db
        .delete(clientScopeRoles)
        .where(
          and(eq(clientScopeRoles.clientId, client.id), inArray(clientScopeRoles.roleId, ids)),
        );
    }
    auditChange(c, "DELETE", "REALM_SCOPE_MAPPING", resourcePath(c));
    return c.body(null, 204);
  });
  return routes;
}

// TODO(client-scope-mappings-views): Keycloak's `/available` and `/composite` views of scope
// mappings and the summary `GET .../scope-mappings` are missing, so an admin console showing
// the Scope tab's effective roles gets 404; they would reuse the role queries of this file.
/** `/admin/realms/{realm}/clients/{id}/scope-mappings`. */
export const clientScopeMappingRoutes = new Hono<AppEnv>();

clientScopeMappingRoutes.route(
  "/realm",
  scopeMappingRoutes(async (c) => realmContainer(c)),
);
clientScopeMappingRoutes.route(
  "/clients/:other",
  scopeMappingRoutes(async (c) => clientContainer((await pathClient(c, "other")).id)),
);
