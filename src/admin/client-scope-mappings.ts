import { and, eq, inArray } from "drizzle-orm";
import { clientScopeRoles, roles } from "../db/role-schema";
import { pathClient } from "./client-store";
import { inContainer } from "./role-container";
import { scopeMappingRoutes } from "./scope-mappings";

// TODO(client-scope-mappings-views): Keycloak's `/available` and `/composite` views of scope
// mappings and the summary `GET .../scope-mappings` are missing, so an admin console showing
// the Scope tab's effective roles gets 404; they would reuse the role queries of this file.
/**
 * `/admin/realms/{realm}/clients/{id}/scope-mappings`: Keycloak's scope mappings of a client,
 * the roles its tokens may carry when it does not have the full scope, besides its own.
 */
export const clientScopeMappingRoutes = scopeMappingRoutes({
  async find(c) {
    return (await pathClient(c)).id;
  },

  async list(c, clientId, container) {
    const rows = await c.var.db
      .select({ role: roles })
      .from(clientScopeRoles)
      .innerJoin(roles, eq(roles.id, clientScopeRoles.roleId))
      .where(and(eq(clientScopeRoles.clientId, clientId), inContainer(c, container)))
      .orderBy(roles.name);
    return rows.map((row) => row.role);
  },

  add(c, clientId, roleIds) {
    return roleIds.map((roleId) =>
      c.var.db.insert(clientScopeRoles).values({ clientId, roleId }).onConflictDoNothing(),
    );
  },

  remove(c, clientId, roleIds) {
    return c.var.db
      .delete(clientScopeRoles)
      .where(
        and(eq(clientScopeRoles.clientId, clientId), inArray(clientScopeRoles.roleId, roleIds)),
      );
  },
});
