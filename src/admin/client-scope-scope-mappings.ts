import { and, eq, inArray } from "drizzle-orm";
import { clientScopeScopeMappings, roles } from "../db/role-schema";
import { findRealmScope, isBuiltInScope } from "./client-scope-store";
import { inContainer } from "./role-container";
import { scopeMappingRoutes } from "./scope-mappings";

/**
 * `/admin/realms/{realm}/client-scopes/{id}/scope-mappings`: Keycloak's scope mappings of a
 * client scope, the roles the tokens of a client without the full scope may carry when the
 * scope applies. Built-in scopes have none stored: they list none and cannot be changed.
 */
export const clientScopeScopeMappingRoutes = scopeMappingRoutes({
  async find(c) {
    const id = c.req.param("scopeId") ?? "";
    if (isBuiltInScope(id)) return null;
    return (await findRealmScope(c, id)).id;
  },

  async list(c, scopeId, container) {
    const rows = await c.var.db
      .select({ role: roles })
      .from(clientScopeScopeMappings)
      .innerJoin(roles, eq(roles.id, clientScopeScopeMappings.roleId))
      .where(and(eq(clientScopeScopeMappings.scopeId, scopeId), inContainer(c, container)))
      .orderBy(roles.name);
    return rows.map((row) => row.role);
  },

  add(c, scopeId, roleIds) {
    return roleIds.map((roleId) =>
      c.var.db.insert(clientScopeScopeMappings).values({ scopeId, roleId }).onConflictDoNothing(),
    );
  },

  remove(c, scopeId, roleIds) {
    return c.var.db
      .delete(clientScopeScopeMappings)
      .where(
        and(
          eq(clientScopeScopeMappings.scopeId, scopeId),
          inArray(clientScopeScopeMappings.roleId, roleIds),
        ),
      );
  },
});
