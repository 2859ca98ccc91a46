import { and, eq, inArray, isNull } from "drizzle-orm";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import { groupMembers, groups, roles, userRoles } from "../db/role-schema";
import { effectiveRoles } from "../db/roles";
import { auditAccess, auditChange } from "./audit";
import { requireRole } from "./auth";
import { AdminError } from "./errors";
import { namedRealmRoles, roleRepresentations } from "./role-container";
import { pathUser } from "./users";

/** `/admin/realms/{realm}/users/{id}`: realm role mappings and groups. */
export const userRoleMappingRoutes = new Hono<AppEnv>();

userRoleMappingRoutes.get("/role-mappings/realm", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const user = await pathUser(c);
  const rows = await c.var.db
    .select({ role: roles })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(and(eq(userRoles.userId, user.id), isNull(roles.clientId)))
    .orderBy(roles.name);
  auditAccess(c, user.id, "ADMIN_READ");
  return c.json(
    await roleRepresentations(
      c,
      rows.map((row) => row.role),
    ),
  );
});

userRoleMappingRoutes.get("/role-mappings/realm/composite", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const user = await pathUser(c);
  const scope = {
    realmId: c.var.realm.id,
    clientRowId: "",
    fullScopeAllowed: true,
    clientScopes: [],
  };
  const names = (await effectiveRoles(c.var.db, user.id, { ...scope, offlineAccess: true })).realm;
  const rows =
    names.length === 0
      ? []
      : await c.var.db
          .select()
          .from(roles)
          .where(
            and(
              eq(roles.realmId, c.var.realm.id),
              isNull(roles.clientId),
              inArray(roles.name, names),
            ),
          )
          .orderBy(roles.name);
  auditAccess(c, user.id, "ADMIN_READ");
  return c.json(await roleRepresentations(c, rows));
});

userRoleMappingRoutes.post("/role-mappings/realm", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  const named = await namedRealmRoles(c);
  const inserts = named.map((role) =>
    c.var.db.insert(userRoles).values({ userId: user.id, roleId: role.id }).onConflictDoNothing(),
  );
  const [first, ...rest] = inserts;
  if (first) await c.var.db.batch([first, ...rest]);
  auditChange(c, "CREATE", "REALM_ROLE_MAPPING", `users/${user.id}/role-mappings/realm`, named);
  auditAccess(c, user.id, "ADMIN_UPDATE");
  return c.body(null, 204);
});

userRoleMappingRoutes.delete("/role-mappings/realm", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  const ids = (await namedRealmRoles(c)).map((role) => role.id);
  if (ids.length > 0) {
    await c.var.db
      .delete(userRoles)
      .where(and(eq(userRoles.userId, user.id), inArray(userRoles.roleId, ids)));
  }
  auditChange(c, "DELETE", "REALM_ROLE_MAPPING", `users/${user.id}/role-mappings/realm`);
  auditAccess(c, user.id, "ADMIN_UPDATE");
  return c.body(null, 204);
});

userRoleMappingRoutes.get("/groups", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const user = await pathUser(c);
  const rows = await c.var.db
    .select({ id: groups.id, name: groups.name, path: groups.path })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(eq(groupMembers.userId, user.id))
    .orderBy(groups.path);
  auditAccess(c, user.id, "ADMIN_READ");
  return c.json(rows);
});

/** The group the path names, in the path's realm. */
async function pathGroup(c: Context<AppEnv>) {
  const group = await c.var.db.query.groups.findFirst({
    where: and(eq(groups.realmId, c.var.realm.id), eq(groups.id, c.req.param("groupId") ?? "")),
  });
  if (!group) throw AdminError.notFound("Group not found");
  return group;
}

userRoleMappingRoutes.put("/groups/:groupId", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  const group = await pathGroup(c);
  await c.var.db
    .insert(groupMembers)
    .values({ groupId: group.id, userId: user.id })
    .onConflictDoNothing();
  auditChange(c, "CREATE", "GROUP_MEMBERSHIP", `users/${user.id}/groups/${group.id}`);
  auditAccess(c, user.id, "ADMIN_UPDATE");
  return c.body(null, 204);
});

userRoleMappingRoutes.delete("/groups/:groupId", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  const group = await pathGroup(c);
  await c.var.db
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, user.id)));
  auditChange(c, "DELETE", "GROUP_MEMBERSHIP", `users/${user.id}/groups/${group.id}`);
  auditAccess(c, user.id, "ADMIN_UPDATE");
  return c.body(null, 204);
});
