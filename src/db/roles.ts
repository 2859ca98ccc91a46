import { and, eq, sql } from "drizzle-orm";
import { randomId } from "../crypto/random";
import type { Database } from "./client";
import {
  clientScopeScopeMappings,
  groupMembers,
  groups,
  roleComposites,
  roles,
  userRoles,
} from "./role-schema";
import { realms } from "./schema";

export type Role = typeof roles.$inferSelect;

/** The roles a token may name: realm roles, and client roles by clientId. */
export interface EffectiveRoles {
  realm: string[];
  clients: Record<string, string[]>;
}

/** Keycloak's composite role that every new user of a realm is given. */
export function defaultRoleName(realmName: string): string {
  return `default-roles-${realmName.toLowerCase()}`;
}

/**
 * The roles Keycloak gives every realm: `offline_access` (needed for offline tokens),
 * `uma_authorization`, and the default role (whose composites the caller links).
 */
export function builtInRealmRoles(realm: { id: string; name: string }) {
  const role = (name: string, description: string): Role => ({
    id: randomId(),
    realmId: realm.id,
    clientId: null,
    containerId: realm.id,
    name,
    description,
  });
  const offline = role("offline_access", "Offline tokens");
  const uma = role("uma_authorization", "User-managed access");
  const defaults = role(defaultRoleName(realm.name), `Default roles of ${realm.name}`);
  return [defaults, offline, uma];
}

/** Roles and groups a user is given, by row id. */
export interface Memberships {
  roleIds: readonly string[];
  groupIds: readonly string[];
}

/** The inserts that give a user these roles and groups. */
export function membershipInserts(db: Database, userId: string, memberships: Memberships) {
  return [
    ...memberships.roleIds.map((roleId) => db.insert(userRoles).values({ userId, roleId })),
    ...memberships.groupIds.map((groupId) => db.insert(groupMembers).values({ groupId, userId })),
  ];
}

/** The realm's default role and default groups, which every new user is given. */
export async function defaultMemberships(db: Database, realmId: string): Promise<Memberships> {
  const [role, defaultGroups] = await db.batch([
    db
      .select({ id: roles.id })
      .from(roles)
      .innerJoin(realms, eq(realms.id, roles.containerId))
      .where(
        and(
          eq(roles.containerId, realmId),
          eq(roles.name, sql`'default-roles-' || lower(${realms.name})`),
        ),
      ),
    db
      .select({ id: groups.id })
      .from(groups)
      .where(and(eq(groups.realmId, realmId), eq(groups.isDefault, true))),
  ]);
  return { roleIds: role.map(({ id }) => id), groupIds: defaultGroups.map(({ id }) => id) };
}

/** What limits the roles a client's tokens carry (Keycloak's client scope, "Scope" tab). */
export interface RoleScope {
  realmId: string;
  /** The client's row id. */
  clientRowId: string;
  fullScopeAllowed: boolean;
  /** Whether offline_access was granted, which brings the offline_access role into scope. */
  offlineAccess: boolean;
  /** The client scopes that apply to the token, whose scope mappings bring roles into scope. */
  clientScopes: readonly string[];
}

interface RoleRow {
  name: string;
  client: string | null;
}

/**
 * A user's effective roles for a client: granted directly or through a group or its
 * ancestors, composites expanded transitively; without the full scope, only those in the
 * client's scope (its own roles, its scope mappings and those of the realm client scopes that
 * apply, expanded the same way). One query.
 */
export async function effectiveRoles(
  db: Database,
  userId: string,
  scope: RoleScope,
): Promise<EffectiveRoles> {
  const rows = await db.all<RoleRow>(sql`
    WITH RECURSIVE
      member_of(id, parent_id) AS (
        SELECT g.id, g.parent_id FROM ${groups} g
          JOIN ${groupMembers} m ON m.group_id = g.id WHERE m.user_id = ${userId}
        UNION SELECT g.id, g.parent_id FROM ${groups} g JOIN member_of ON g.id = member_of.parent_id
      ),
      granted(role_id) AS (
        SELECT role_id FROM ${userRoles} WHERE user_id = ${userId}
        UNION SELECT role_id FROM group_roles WHERE group_id IN (SELECT id FROM member_of)
        UNION SELECT c.child_role_id FROM ${roleComposites} c
          JOIN granted ON c.role_id = granted.role_id
      ),
      in_scope(role_id) AS (
        SELECT id FROM ${roles} WHERE client_id = ${scope.clientRowId}
        UNION SELECT role_id FROM client_scope_roles WHERE client_id = ${scope.clientRowId}
        UNION SELECT m.role_id FROM ${clientScopeScopeMappings} m
          JOIN client_scopes s ON s.id = m.scope_id AND s.realm_id = ${scope.realmId}
          WHERE s.name IN (SELECT value FROM json_each(${JSON.stringify(scope.clientScopes)}))
        UNION SELECT id FROM ${roles} WHERE ${scope.offlineAccess ? 1 : 0} = 1
          AND container_id = ${scope.realmId} AND name = 'offline_access'
        UNION SELECT c.child_role_id FROM ${roleComposites} c
          JOIN in_scope ON c.role_id = in_scope.role_id
      )
    SELECT r.name AS name, c.client_id AS client FROM granted
      JOIN ${roles} r ON r.id = granted.role_id
      LEFT JOIN clients c ON c.id = r.client_id
      WHERE ${scope.fullScopeAllowed ? 1 : 0} = 1
        OR granted.role_id IN (SELECT role_id FROM in_scope)
      ORDER BY c.client_id, r.name`);

  const result: EffectiveRoles = { realm: [], clients: {} };
  for (const row of rows) {
    if (row.client === null) {
      result.realm.push(row.name);
    } else {
      result.clients[row.client] = [...(result.clients[row.client] ?? []), row.name];
    }
  }
  return result;
}
