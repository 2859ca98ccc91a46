import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import {
  clientScopeRoles,
  clientScopeScopeMappings,
  groupMembers,
  groupRoles,
  groups,
  roleComposites,
  roles,
  userRoles,
} from "../db/role-schema";
import {
  clientScopes,
  clients,
  credentials,
  protocolMappers,
  users,
  webhookEndpoints,
} from "../db/schema";

/** Every row of a realm's configuration, read in one batch. */
export async function loadRealmConfiguration(db: Database, realmId: string) {
  const [
    clientRows,
    roleRows,
    compositeRows,
    groupRows,
    groupRoleRows,
    scopeRows,
    mapperRows,
    scopeRoleRows,
    scopeScopeRows,
    webhookRows,
  ] = await db.batch([
    db.select().from(clients).where(eq(clients.realmId, realmId)).orderBy(clients.clientId),
    db.select().from(roles).where(eq(roles.realmId, realmId)).orderBy(roles.name),
    db
      .select({ roleId: roleComposites.roleId, childRoleId: roleComposites.childRoleId })
      .from(roleComposites)
      .innerJoin(roles, eq(roles.id, roleComposites.roleId))
      .where(eq(roles.realmId, realmId)),
    db.select().from(groups).where(eq(groups.realmId, realmId)).orderBy(groups.path),
    db
      .select({ groupId: groupRoles.groupId, roleId: groupRoles.roleId })
      .from(groupRoles)
      .innerJoin(groups, eq(groups.id, groupRoles.groupId))
      .where(eq(groups.realmId, realmId)),
    db
      .select()
      .from(clientScopes)
      .where(eq(clientScopes.realmId, realmId))
      .orderBy(clientScopes.name),
    db
      .select()
      .from(protocolMappers)
      .where(eq(protocolMappers.realmId, realmId))
      .orderBy(protocolMappers.name),
    db
      .select({ clientId: clientScopeRoles.clientId, roleId: clientScopeRoles.roleId })
      .from(clientScopeRoles)
      .innerJoin(clients, eq(clients.id, clientScopeRoles.clientId))
      .where(eq(clients.realmId, realmId)),
    db
      .select({
        scopeId: clientScopeScopeMappings.scopeId,
        roleId: clientScopeScopeMappings.roleId,
      })
      .from(clientScopeScopeMappings)
      .innerJoin(clientScopes, eq(clientScopes.id, clientScopeScopeMappings.scopeId))
      .where(eq(clientScopes.realmId, realmId)),
    db.select().from(webhookEndpoints).where(eq(webhookEndpoints.realmId, realmId)),
  ]);
  return {
    clients: clientRows,
    roles: roleRows,
    composites: compositeRows,
    groups: groupRows,
    groupRoles: groupRoleRows,
    clientScopes: scopeRows,
    protocolMappers: mapperRows,
    clientScopeRoles: scopeRoleRows,
    clientScopeScopeMappings: scopeScopeRows,
    webhooks: webhookRows,
  };
}

export type RealmConfiguration = Awaited<ReturnType<typeof loadRealmConfiguration>>;

/** A realm's users with their passwords, role mappings and groups, read in one batch. */
export async function loadRealmUsers(db: Database, realmId: string) {
  const [userRows, credentialRows, roleRows, memberRows] = await db.batch([
    db.select().from(users).where(eq(users.realmId, realmId)).orderBy(users.usernameKey),
    db
      .select({
        userId: credentials.userId,
        type: credentials.type,
        secretData: credentials.secretData,
      })
      .from(credentials)
      .innerJoin(users, eq(users.id, credentials.userId))
      .where(eq(users.realmId, realmId)),
    db
      .select({ userId: userRoles.userId, roleId: userRoles.roleId })
      .from(userRoles)
      .innerJoin(users, eq(users.id, userRoles.userId))
      .where(eq(users.realmId, realmId)),
    db
      .select({ userId: groupMembers.userId, groupId: groupMembers.groupId })
      .from(groupMembers)
      .innerJoin(users, eq(users.id, groupMembers.userId))
      .where(eq(users.realmId, realmId)),
  ]);
  return { users: userRows, credentials: credentialRows, roles: roleRows, members: memberRows };
}

export type RealmUsers = Awaited<ReturnType<typeof loadRealmUsers>>;
