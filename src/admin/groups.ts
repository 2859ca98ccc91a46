import { and, eq, inArray, isNull } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import { randomId } from "../crypto/random";
import { groupMembers, groupRoles, groups, roles } from "../db/role-schema";
import { users } from "../db/schema";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { AdminError } from "./errors";
import { namedRealmRoles, roleRepresentations } from "./role-container";
import { userRepresentation } from "./user-representation";
import { paging, readBody } from "./validate";

type GroupRow = typeof groups.$inferSelect;

interface GroupRepresentation {
  id: string;
  name: string;
  path: string;
  parentId?: string;
  subGroupCount: number;
  subGroups: GroupRepresentation[];
}

const newGroup = z.object({
  name: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^/\p{Cc}]+$/u, "must not hold '/' or control characters"),
});

/** Keycloak's GroupRepresentation with its whole subtree. */
function tree(row: GroupRow, all: GroupRow[]): GroupRepresentation {
  const children = all.filter((group) => group.parentId === row.id);
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    parentId: row.parentId ?? undefined,
    subGroupCount: children.length,
    subGroups: children.map((child) => tree(child, all)),
  };
}

async function realmGroups(c: Context<AppEnv>) {
  return c.var.db
    .select()
    .from(groups)
    .where(eq(groups.realmId, c.var.realm.id))
    .orderBy(groups.name);
}

export async function pathGroup(c: Context<AppEnv>) {
  const group = await c.var.db.query.groups.findFirst({
    where: and(eq(groups.realmId, c.var.realm.id), eq(groups.id, c.req.param("groupId") ?? "")),
  });
  if (!group) throw AdminError.notFound("Could not find group by id");
  return group;
}

/** Creates a group under `parent` (or at the top); 409 when the path is taken. */
async function create(c: Context<AppEnv>, parent: GroupRow | undefined) {
  requireRole(c, c.var.realm.name, "manage-users");
  const { name } = await readBody(c, newGroup);
  const row = {
    id: randomId(),
    realmId: c.var.realm.id,
    parentId: parent?.id ?? null,
    name,
    path: `${parent?.path ?? ""}/${name}`,
    isDefault: false,
  };
  try {
    await c.var.db.insert(groups).values(row);
  } catch {
    throw AdminError.conflict(`Top level group named '${name}' already exists.`);
  }
  auditChange(c, "CREATE", "GROUP", `groups/${row.id}`, { name });
  c.header(
    "Location",
    `${new URL(c.req.url).origin}/admin/realms/${c.var.realm.name}/groups/${row.id}`,
  );
  return c.body(null, 201);
}

/** `/admin/realms/{realm}/groups`. */
export const groupRoutes = new Hono<AppEnv>();

groupRoutes.get("/", async (c) => {
  requireRole(c, c.var.realm.name, "query-groups");
  const all = await realmGroups(c);
  return c.json(all.filter((group) => group.parentId === null).map((group) => tree(group, all)));
});

groupRoutes.post("/", (c) => create(c, undefined));

groupRoutes.get("/:groupId", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const group = await pathGroup(c);
  return c.json(tree(group, await realmGroups(c)));
});

groupRoutes.delete("/:groupId", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const group = await pathGroup(c);
  await c.var.db.delete(groups).where(eq(groups.id, group.id));
  auditChange(c, "DELETE", "GROUP", `groups/${group.id}`);
  return c.body(null, 204);
});

groupRoutes.get("/:groupId/children", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const group = await pathGroup(c);
  const all = await realmGroups(c);
  return c.json(all.filter((row) => row.parentId === group.id).map((row) => tree(row, all)));
});

groupRoutes.post("/:groupId/children", async (c) => create(c, await pathGroup(c)));

groupRoutes.get("/:groupId/members", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const group = await pathGroup(c);
  const { first, max } = paging(c);
  const rows = await c.var.db
    .select({ user: users })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(eq(groupMembers.groupId, group.id))
    .orderBy(users.usernameKey)
    .limit(max)
    .offset(first);
  return c.json(rows.map((row) => userRepresentation(row.user)));
});

groupRoutes.get("/:groupId/role-mappings/realm", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const group = await pathGroup(c);
  const rows = await c.var.db
    .select({ role: roles })
    .from(groupRoles)
    .innerJoin(roles, eq(roles.id, groupRoles.roleId))
    .where(and(eq(groupRoles.groupId, group.id), isNull(roles.clientId)))
    .orderBy(roles.name);
  return c.json(
    await roleRepresentations(
      c,
      rows.map((row) => row.role),
    ),
  );
});

groupRoutes.post("/:groupId/role-mappings/realm", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const group = await pathGroup(c);
  const named = await namedRealmRoles(c);
  for (const role of named) {
    await c.var.db
      .insert(groupRoles)
      .values({ groupId: group.id, roleId: role.id })
      .onConflictDoNothing();
  }
  auditChange(c, "CREATE", "REALM_ROLE_MAPPING", `groups/${group.id}/role-mappings/realm`, named);
  return c.body(null, 204);
});

groupRoutes.delete("/:groupId/role-mappings/realm", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const group = await pathGroup(c);
  const ids = (await namedRealmRoles(c)).map((role) => role.id);
  if (ids.length > 0) {
    await c.var.db
      .delete(groupRoles)
      .where(and(eq(groupRoles.groupId, group.id), inArray(groupRoles.roleId, ids)));
  }
  auditChange(c, "DELETE", "REALM_ROLE_MAPPING", `groups/${group.id}/role-mappings/realm`);
  return c.body(null, 204);
});
