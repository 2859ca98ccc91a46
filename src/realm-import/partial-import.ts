import { inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../db/client";
import type { Realm } from "../db/realms";
import { defaultMemberships, membershipInserts } from "../db/roles";
import { clientScopes, clients, protocolMappers, users } from "../db/schema";
import { newUserStatements } from "../db/users";
import { clientScopeRows, mapperRows, realmScopeNames } from "./client-scopes";
import { clashingUser, existingResources } from "./existing-resources";
import { ImportError } from "./import-error";
import {
  checkSealable,
  type ImportOptions,
  roleGraphInserts,
  serviceAccountInserts,
  validate,
} from "./import-realm";
import {
  clientsWithServiceAccount,
  overwrittenIds,
  replaceClient,
  replaceClientScope,
  replaceGroup,
  replaceMemberships,
  replaceRole,
  replaceUser,
} from "./partial-import-overwrite";
import {
  type IfResourceExists,
  type PartialImportResult,
  planPartialImport,
} from "./partial-import-plan";
import { roleGraph } from "./role-rows";
import { clientRow, newUser } from "./rows";

/** The parts of a realm file a partial import adds (Keycloak's PartialImportRepresentation). */
const IMPORTED = [
  "clientScopes",
  "clients",
  "roles",
  "groups",
  "users",
  "scopeMappings",
  "clientScopeMappings",
  "defaultGroups",
] as const;

/**
 * Parts of Keycloak's files Latchkey has no model for; a partial import names them in its
 * report instead of failing.
 */
const UNSUPPORTED = [
  "identityProviders",
  "identityProviderMappers",
  "authenticationFlows",
  "authenticatorConfig",
  "requiredActions",
  "components",
  "organizations",
  "userFederationProviders",
  "userFederationMappers",
  "clientProfiles",
  "clientPolicies",
  // A realm file's webhooks come with the realm's creation; into an existing realm they are
  // registered through `/webhooks`, which shows each new secret once.
  "webhooks",
] as const;

/** Keycloak's PartialImportResults, plus the parts of the file Latchkey left out. */
export interface PartialImportResults {
  overwritten: number;
  added: number;
  skipped: number;
  results: PartialImportResult[];
  unsupported: { field: string; count: number }[];
}

/**
 * Adds a file's clients, client scopes, roles, groups and users to an existing realm; what the
 * realm already has is skipped (SKIP), refused whole (FAIL) or replaced by the file's, keeping
 * its id (OVERWRITE). Everything is written in one batch, so a refusal or a failure leaves
 * nothing behind.
 */
export async function partialImport(
  db: Database,
  realm: Realm,
  body: Record<string, unknown>,
  policy: IfResourceExists,
  options: ImportOptions = {},
): Promise<PartialImportResults> {
  const picked = Object.fromEntries(IMPORTED.map((key) => [key, body[key]]));
  const rep = validate({ ...picked, realm: realm.name });
  checkSealable(rep, options.keyEncryptionSecret);
  const existing = await existingResources(db, realm.id, rep);
  const { toAdd, skipped, overwritten } = planPartialImport(rep, realm, existing, policy);
  const replaced = overwrittenIds(existing, overwritten);
  const keptId = (id: string | undefined) => (id && replaced.has(id) ? id : undefined);

  const now = Math.floor(Date.now() / 1000);
  const scopeNames = new Set([
    ...realmScopeNames(toAdd.clientScopes),
    ...existing.clientScopes.map((scope) => scope.name),
  ]);
  const clientIds = new Map(existing.clients.map((c) => [c.clientId, c.id]));
  const clientRows = await Promise.all(
    (toAdd.clients ?? []).map((c) =>
      clientRow(
        c,
        realm.id,
        now,
        options.keyEncryptionSecret,
        scopeNames,
        keptId(clientIds.get(c.clientId)),
      ),
    ),
  );
  const scopeIds = new Map(existing.clientScopes.map((scope) => [scope.name, scope.id]));
  const scopes = clientScopeRows(toAdd.clientScopes, realm.id, (name) =>
    keptId(scopeIds.get(name)),
  );
  const targets = {
    clients: [...existing.clients, ...clientRows],
    scopes: [...existing.clientScopes, ...scopes.scopes],
  };
  const graph = roleGraph(toAdd, realm, targets, existing, replaced);
  // Errors name a user by their index in the file, not in what is left to add.
  // TODO(partial-import-paths): roles and groups left to add are still named by their index
  // after skipped ones are taken out, so such an error's JSON path may point at the wrong
  // entry; carrying the file's indices through roleGraph would close it.
  const memberships = (toAdd.users ?? []).map((user) =>
    graph.memberships(user, (rep.users ?? []).indexOf(user)),
  );

  // The graph holds the realm's roles too; only new and overwritten ones are written.
  const known = new Set(existing.roles.map((role) => role.id));
  const newRoles = graph.roles.filter((role) => !known.has(role.id));
  const rewrittenRoles = graph.roles.filter((role) => replaced.has(role.id));
  const writtenRoleIds = new Set([...newRoles, ...rewrittenRoles].map((role) => role.id));
  const knownGroups = new Set(existing.groups.map((group) => group.id));
  const writtenClientIds = new Set(clientRows.map((row) => row.id));
  const writtenScopeIds = new Set(scopes.scopes.map((row) => row.id));
  const newClientRows = clientRows.filter((row) => !replaced.has(row.id));
  const newRows = {
    ...graph,
    roles: newRoles,
    composites: graph.composites.filter((link) => writtenRoleIds.has(link.roleId)),
    groups: graph.groups.filter((group) => !knownGroups.has(group.id)),
    clientScopeRoles: graph.clientScopeRoles.filter((row) => writtenClientIds.has(row.clientId)),
    clientScopeScopeMappings: graph.clientScopeScopeMappings.filter((row) =>
      writtenScopeIds.has(row.scopeId),
    ),
  };

  const clientMappers = (toAdd.clients ?? []).flatMap((c, index) =>
    mapperRows(c.protocolMappers, realm.id, { clientId: clientRows[index]?.id as string }),
  );
  const defaults = await defaultMemberships(db, realm.id);
  const people = await Promise.all(
    (toAdd.users ?? []).flatMap((user, index) => {
      if (user.serviceAccountClientId) return [];
      const input = newUser(user);
      const id = keptId(clashingUser(existing, user)?.id);
      const hasPassword = input.password !== undefined || input.passwordHash !== undefined;
      const memberOf = memberships[index] ?? defaults;
      const person = newUserStatements(db, realm.id, { ...input, id, memberships: memberOf });
      return [person.then((made) => ({ ...made, replaces: id !== undefined, hasPassword }))];
    }),
  );
  // Overwritten clients keep their service account; one that gains it gets a new one.
  const rewrittenClients = clientRows.filter((row) => replaced.has(row.id));
  const withAccount = await clientsWithServiceAccount(
    db,
    rewrittenClients.map((row) => row.id),
  );
  const accountRows = clientRows.filter((row) => !withAccount.has(row.id));
  const serviceAccounts = serviceAccountInserts(
    db,
    toAdd,
    realm.id,
    accountRows,
    graph,
    memberships,
    now,
  );
  const accounts = (toAdd.users ?? []).flatMap((user, index) => {
    const id = user.serviceAccountClientId ? keptId(clashingUser(existing, user)?.id) : undefined;
    if (!id) return [];
    return [
      ...replaceMemberships(db, id),
      ...membershipInserts(db, id, memberships[index] ?? defaults),
    ];
  });

  const statements: BatchItem<"sqlite">[] = [
    ...scopes.scopes.flatMap((row): BatchItem<"sqlite">[] =>
      replaced.has(row.id) ? replaceClientScope(db, row) : [db.insert(clientScopes).values(row)],
    ),
    ...clientRows.flatMap((row): BatchItem<"sqlite">[] =>
      replaced.has(row.id) ? replaceClient(db, row) : [db.insert(clients).values(row)],
    ),
    ...[...scopes.mappers, ...clientMappers].map((row) => db.insert(protocolMappers).values(row)),
    ...rewrittenRoles.flatMap((role) => replaceRole(db, role)),
    ...graph.groups.filter((g) => knownGroups.has(g.id)).flatMap((g) => replaceGroup(db, g.id)),
    ...roleGraphInserts(db, newRows),
    ...serviceAccounts,
    ...accounts,
    ...people.flatMap((person): BatchItem<"sqlite">[] => [
      ...(person.replaces
        ? replaceUser(db, person.user, person.hasPassword)
        : [db.insert(users).values(person.user)]),
      ...person.statements,
    ]),
  ];
  const [first, ...rest] = statements;
  try {
    if (first) await db.batch([first, ...rest]);
  } catch (error) {
    if (!String((error as { cause?: unknown })?.cause ?? error).includes("UNIQUE")) throw error;
    const message = "a name in the file is taken twice, or was taken meanwhile; nothing was added";
    throw ImportError.at([], message);
  }

  const added: PartialImportResult[] = [
    ...scopes.scopes
      .filter((row) => !replaced.has(row.id))
      .map((row) => result("CLIENT_SCOPE", row.name, row.id)),
    ...newClientRows.map((row) => result("CLIENT", row.clientId, row.id)),
    ...newRoles.map((role) =>
      result(role.clientId === null ? "REALM_ROLE" : "CLIENT_ROLE", role.name, role.id),
    ),
    ...newRows.groups
      .filter((group) => !group.parentId)
      .map((group) => result("GROUP", group.name, group.id)),
    ...people
      .filter((person) => !person.replaces)
      .map(({ user }) => result("USER", user.username, user.id)),
    ...(await serviceAccountsOf(db, accountRows)).map((user) =>
      result("USER", user.username, user.id),
    ),
  ];
  return {
    overwritten: overwritten.length,
    added: added.length,
    skipped: skipped.length,
    results: [...added, ...overwritten, ...skipped],
    unsupported: UNSUPPORTED.flatMap((field) => {
      const value = body[field];
      const count = Array.isArray(value) ? value.length : value ? 1 : 0;
      return count > 0 ? [{ field, count }] : [];
    }),
  };
}

/** The service accounts the import made with new clients, for the report. */
async function serviceAccountsOf(db: Database, clientRows: readonly { id: string }[]) {
  const found: { id: string; username: string }[] = [];
  const ids = clientRows.map((row) => row.id);
  // D1 binds at most 100 parameters per statement.
  for (let at = 0; at < ids.length; at += 90) {
    const some = ids.slice(at, at + 90);
    found.push(
      ...(await db
        .select({ id: users.id, username: users.username })
        .from(users)
        .where(inArray(users.serviceAccountClientId, some))),
    );
  }
  return found;
}

function result(
  resourceType: PartialImportResult["resourceType"],
  resourceName: string,
  id: string,
): PartialImportResult {
  return { action: "ADDED", resourceType, resourceName, id };
}
