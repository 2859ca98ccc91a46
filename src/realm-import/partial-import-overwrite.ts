import { and, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../db/client";
import {
  clientScopeRoles,
  clientScopeScopeMappings,
  groupMembers,
  groupRoles,
  roleComposites,
  roles,
  userRoles,
} from "../db/role-schema";
import type { Role } from "../db/roles";
import {
  clientScopes,
  clients,
  credentials,
  protocolMappers,
  refreshTokens,
  sessions,
  users,
} from "../db/schema";
import type { User } from "../db/users";
import type { ExistingResources } from "./existing-resources";
import type { PartialImportResult } from "./partial-import-plan";

/**
 * Keycloak's OVERWRITE replaces a resource the realm has with the file's. Latchkey keeps the
 * resource's id (so references to it stay valid) and replaces what the file describes: the
 * statements below clear what is replaced, before the import's inserts write the file's.
 */

/**
 * The ids of the existing resources the file replaces: those the plan marked OVERWRITTEN,
 * plus the subgroups of overwritten groups, which the file may define again.
 */
export function overwrittenIds(existing: ExistingResources, overwritten: PartialImportResult[]) {
  const ids = new Set(overwritten.map((entry) => entry.id));
  const topPaths = existing.groups
    .filter((group) => ids.has(group.id))
    .map((group) => `${group.path}/`);
  for (const group of existing.groups) {
    if (topPaths.some((path) => group.path.startsWith(path))) ids.add(group.id);
  }
  return ids;
}

type Statement = BatchItem<"sqlite">;
type ScopeRow = typeof clientScopes.$inferInsert & { id: string };
type ClientRow = typeof clients.$inferInsert & { id: string };

/**
 * A client scope keeps its id and name; its settings, mappers and role scope mappings become
 * the file's.
 */
export function replaceClientScope(db: Database, row: ScopeRow): Statement[] {
  const { id, realmId: _realm, name: _name, ...settings } = row;
  return [
    db.update(clientScopes).set(settings).where(eq(clientScopes.id, id)),
    db.delete(protocolMappers).where(eq(protocolMappers.scopeId, id)),
    db.delete(clientScopeScopeMappings).where(eq(clientScopeScopeMappings.scopeId, id)),
  ];
}

/** A client keeps its id and service account; settings, mappers, scope mappings are the file's. */
export function replaceClient(db: Database, row: ClientRow): Statement[] {
  const { id, realmId: _realm, createdAt: _created, ...settings } = row;
  return [
    db.update(clients).set(settings).where(eq(clients.id, id)),
    db.delete(protocolMappers).where(eq(protocolMappers.clientId, id)),
    db.delete(clientScopeRoles).where(eq(clientScopeRoles.clientId, id)),
  ];
}

/** A role keeps its id, name and holders; its description and composites become the file's. */
export function replaceRole(db: Database, role: Role): Statement[] {
  return [
    db.update(roles).set({ description: role.description }).where(eq(roles.id, role.id)),
    db.delete(roleComposites).where(eq(roleComposites.roleId, role.id)),
  ];
}

/** A group keeps its id and members; its role mappings become the file's. */
export function replaceGroup(db: Database, groupId: string): Statement[] {
  return [db.delete(groupRoles).where(eq(groupRoles.groupId, groupId))];
}

/**
 * A user keeps their id (consents and events still name them); their fields, roles and groups
 * become the file's, and their password when the file carries one. As Keycloak's delete and
 * re-create would, their sessions and refresh tokens (offline ones too) end.
 */
// TODO(partial-import-logout-notice): the relying parties of the sessions ended here are not
// sent back-channel logout (the admin API's user logout sends it), so their own sessions
// outlive ours; selecting the sessions before the batch and announcing each end would close it.
export function replaceUser(db: Database, user: User, hasPassword: boolean): Statement[] {
  const { id, realmId: _realm, createdAt: _created, serviceAccountClientId: _sa, ...fields } = user;
  return [
    db.update(users).set(fields).where(eq(users.id, id)),
    ...replaceMemberships(db, id),
    ...(hasPassword ? [deletePassword(db, id)] : []),
    db.delete(refreshTokens).where(eq(refreshTokens.userId, id)),
    db.delete(sessions).where(eq(sessions.userId, id)),
  ];
}

/** Clears a user's role mappings and group memberships, before the file's are inserted. */
export function replaceMemberships(db: Database, userId: string): Statement[] {
  return [
    db.delete(userRoles).where(eq(userRoles.userId, userId)),
    db.delete(groupMembers).where(eq(groupMembers.userId, userId)),
  ];
}

/** The ids of the clients (of those given) that already have a service account user. */
export async function clientsWithServiceAccount(db: Database, clientIds: readonly string[]) {
  const found = new Set<string>();
  // D1 binds at most 100 parameters per statement.
  for (let at = 0; at < clientIds.length; at += 90) {
    const rows = await db
      .select({ clientId: users.serviceAccountClientId })
      .from(users)
      .where(inArray(users.serviceAccountClientId, clientIds.slice(at, at + 90)));
    for (const row of rows) if (row.clientId) found.add(row.clientId);
  }
  return found;
}

function deletePassword(db: Database, userId: string) {
  return db
    .delete(credentials)
    .where(and(eq(credentials.userId, userId), eq(credentials.type, "password")));
}
