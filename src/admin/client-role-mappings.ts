import { and, eq, inArray, sql } from "drizzle-orm";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import {
  groupMembers,
  groupRoles,
  groups,
  roleComposites,
  roles,
  userRoles,
} from "../db/role-schema";
import type { Role } from "../db/roles";
import { clients } from "../db/schema";
import { auditAccess, auditChange } from "./audit";
import { requireRole } from "./auth";
import { pathClient } from "./client-store";
import { pathGroup } from "./groups";
import { clientContainer, inContainer, namedRoles, roleRepresentations } from "./role-container";
import { pathUser } from "./users";

/** Who roles are mapped to: a user or a group, each with its own mapping table. */
interface Holder {
  kind: "users" | "groups";
  load: (c: Context<AppEnv>) => Promise<{ id: string }>;
}

const userHolder: Holder = { kind: "users", load: pathUser };
const groupHolder: Holder = { kind: "groups", load: pathGroup };

/** The roles mapped to the holder directly, realm and client roles alike. */
async function mappedRoles(c: Context<AppEnv>, holder: Holder, id: string): Promise<Role[]> {
  const db = c.var.db;
  const rows =
    holder.kind === "users"
      ? await db
          .select({ role: roles })
          .from(userRoles)
          .innerJoin(roles, eq(roles.id, userRoles.roleId))
          .where(eq(userRoles.userId, id))
          .orderBy(roles.name)
      : await db
          .select({ role: roles })
          .from(groupRoles)
          .innerJoin(roles, eq(roles.id, groupRoles.roleId))
          .where(eq(groupRoles.groupId, id))
          .orderBy(roles.name);
  return rows.map((row) => row.role);
}

/**
 * The ids of the roles the holder has: mapped directly, through its groups (a group's
 * ancestors included) and through composites, expanded transitively.
 */
async function effectiveRoleIds(c: Context<AppEnv>, holder: Holder, id: string) {
  const userId = holder.kind === "users" ? id : "";
  const groupId = holder.kind === "groups" ? id : "";
  const rows = await c.var.db.all<{ id: string }>(sql`
    WITH RECURSIVE
      member_of(id, parent_id) AS (
        SELECT g.id, g.parent_id FROM ${groups} g WHERE g.id = ${groupId}
          OR g.id IN (SELECT group_id FROM ${groupMembers} WHERE user_id = ${userId})
        UNION SELECT g.id, g.parent_id FROM ${groups} g JOIN member_of ON g.id = member_of.parent_id
      ),
      granted(role_id) AS (
        SELECT role_id FROM ${userRoles} WHERE user_id = ${userId}
        UNION SELECT role_id FROM ${groupRoles} WHERE group_id IN (SELECT id FROM member_of)
        UNION SELECT c.child_role_id FROM ${roleComposites} c
          JOIN granted ON c.role_id = granted.role_id
      )
    SELECT role_id AS id FROM granted`);
  return new Set(rows.map((row) => row.id));
}

/** The client's roles, by name. */
async function clientRoles(c: Context<AppEnv>, clientRowId: string): Promise<Role[]> {
  return c.var.db
    .select()
    .from(roles)
    .where(inContainer(c, clientContainer(clientRowId)))
    .orderBy(roles.name);
}

function grantInserts(c: Context<AppEnv>, holder: Holder, id: string, named: Role[]) {
  const db = c.var.db;
  return named.map((role) =>
    holder.kind === "users"
      ? db.insert(userRoles).values({ userId: id, roleId: role.id }).onConflictDoNothing()
      : db.insert(groupRoles).values({ groupId: id, roleId: role.id }).onConflictDoNothing(),
  );
}

async function revoke(c: Context<AppEnv>, holder: Holder, id: string, roleIds: string[]) {
  if (roleIds.length === 0) return;
  const db = c.var.db;
  if (holder.kind === "users") {
    await db
      .delete(userRoles)
      .where(and(eq(userRoles.userId, id), inArray(userRoles.roleId, roleIds)));
  } else {
    await db
      .delete(groupRoles)
      .where(and(eq(groupRoles.groupId, id), inArray(groupRoles.roleId, roleIds)));
  }
}

/**
 * Keycloak's role mappings of a user or group: `role-mappings` (MappingsRepresentation) and
 * `role-mappings/clients/{client}` with its `available` and `composite` views.
 */
function roleMappingRoutes(holder: Holder) {
  const routes = new Hono<AppEnv>();
  const view = async (c: Context<AppEnv>) => {
    requireRole(c, c.var.realm.name, "view-users");
    const target = await holder.load(c);
    if (holder.kind === "users") auditAccess(c, target.id, "ADMIN_READ");
    return target;
  };
  const manage = async (c: Context<AppEnv>) => {
    requireRole(c, c.var.realm.name, "manage-users");
    const target = await holder.load(c);
    if (holder.kind === "users") auditAccess(c, target.id, "ADMIN_UPDATE");
    return target;
  };
  const path = (c: Context<AppEnv>, id: string) =>
    `${holder.kind}/${id}/role-mappings/clients/${c.req.param("client")}`;

  routes.get("/role-mappings", async (c) => {
    const target = await view(c);
    const mapped = await mappedRoles(c, holder, target.id);
    const reps = await roleRepresentations(c, mapped);
    const clientRowIds = [...new Set(mapped.flatMap((role) => role.clientId ?? []))];
    const owners =
      clientRowIds.length === 0
        ? []
        : await c.var.db.select().from(clients).where(inArray(clients.id, clientRowIds));
    const clientMappings: Record<string, unknown> = {};
    for (const owner of owners) {
      const mappings = reps.filter((rep) => rep.containerId === owner.id);
      clientMappings[owner.clientId] = { id: owner.id, client: owner.clientId, mappings };
    }
    const realmMappings = reps.filter((rep) => !rep.clientRole);
    return c.json({
      ...(realmMappings.length > 0 ? { realmMappings } : {}),
      ...(owners.length > 0 ? { clientMappings } : {}),
    });
  });

  routes.get("/role-mappings/clients/:client", async (c) => {
    const target = await view(c);
    const client = await pathClient(c, "client");
    const mapped = await mappedRoles(c, holder, target.id);
    return c.json(
      await roleRepresentations(
        c,
        mapped.filter((role) => role.clientId === client.id),
      ),
    );
  });

  routes.get("/role-mappings/clients/:client/available", async (c) => {
    const target = await view(c);
    const client = await pathClient(c, "client");
    const has = await effectiveRoleIds(c, holder, target.id);
    const available = (await clientRoles(c, client.id)).filter((role) => !has.has(role.id));
    return c.json(await roleRepresentations(c, available));
  });

  routes.get("/role-mappings/clients/:client/composite", async (c) => {
    const target = await view(c);
    const client = await pathClient(c, "client");
    const has = await effectiveRoleIds(c, holder, target.id);
    const effective = (await clientRoles(c, client.id)).filter((role) => has.has(role.id));
    return c.json(await roleRepresentations(c, effective));
  });

  routes.post("/role-mappings/clients/:client", async (c) => {
    const target = await manage(c);
    const client = await pathClient(c, "client");
    const named = await namedRoles(c, clientContainer(client.id));
    const [first, ...rest] = grantInserts(c, holder, target.id, named);
    if (first) await c.var.db.batch([first, ...rest]);
    auditChange(c, "CREATE", "CLIENT_ROLE_MAPPING", path(c, target.id), named);
    return c.body(null, 204);
  });

  routes.delete("/role-mappings/clients/:client", async (c) => {
    const target = await manage(c);
    const client = await pathClient(c, "client");
    const named = await namedRoles(c, clientContainer(client.id));
    await revoke(
      c,
      holder,
      target.id,
      named.map((role) => role.id),
    );
    auditChange(c, "DELETE", "CLIENT_ROLE_MAPPING", path(c, target.id), named);
    return c.body(null, 204);
  });
  return routes;
}

/** `/admin/realms/{realm}/users/{id}/role-mappings...` for client roles and the summary. */
export const userClientRoleMappingRoutes = roleMappingRoutes(userHolder);

/** `/admin/realms/{realm}/groups/{id}/role-mappings...` for client roles and the summary. */
export const groupClientRoleMappingRoutes = roleMappingRoutes(groupHolder);
