import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { findRealmByName } from "../db/realms";
import {
  clientScopeRoles,
  clientScopeScopeMappings,
  groupRoles,
  groups,
  roleComposites,
  roles,
} from "../db/role-schema";
import { type Memberships, membershipInserts } from "../db/roles";
import {
  clientScopes,
  clients,
  protocolMappers,
  realms,
  users,
  webhookEndpoints,
} from "../db/schema";
import { createUser, DuplicateUserError } from "../db/users";
import { clientScopeRows, mapperRows, realmScopeNames } from "./client-scopes";
import { webhookRows } from "./event-settings";
import { ImportError, jsonPath } from "./import-error";
import { type RealmRepresentation, realmRepresentation } from "./representation";
import { type RoleGraph, roleGraph } from "./role-rows";
import { clientRow, newUser, realmRow, serviceAccountRows } from "./rows";

type ClientRow = Awaited<ReturnType<typeof clientRow>>;

export interface ImportResult {
  realm: string;
  created: boolean;
}

/** What an import may need besides the database. */
export interface ImportOptions {
  /** Seals the secrets of client-secret-jwt clients, which must be kept, not only hashed. */
  keyEncryptionSecret?: string;
  /** Lets webhook URLs name loopback and private addresses (WEBHOOKS_ALLOW_PRIVATE_TARGETS). */
  allowPrivateWebhookTargets?: boolean;
}

/**
 * Imports a realm from a Keycloak-shaped realm representation. Like Keycloak's
 * `--import-realm`, a realm that already exists is left as it is.
 */
export async function importRealm(
  db: Database,
  representation: unknown,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const rep = validate(representation);
  const secret = options.keyEncryptionSecret;
  checkSealable(rep, secret);

  if (await findRealmByName(db, rep.realm)) return { realm: rep.realm, created: false };

  const now = Math.floor(Date.now() / 1000);
  const scopeNames = realmScopeNames(rep.clientScopes);
  const realm = realmRow(rep, now, scopeNames);
  // A client without its own scope lists gets the realm's, as Keycloak gives new clients.
  const withRealmScopes = (c: NonNullable<typeof rep.clients>[number]) => ({
    ...c,
    defaultClientScopes: c.defaultClientScopes ?? rep.defaultDefaultClientScopes,
    optionalClientScopes: c.optionalClientScopes ?? rep.defaultOptionalClientScopes,
  });
  const clientRows = await Promise.all(
    (rep.clients ?? []).map((c) =>
      clientRow(withRealmScopes(c), realm.id, now, secret, scopeNames),
    ),
  );
  const scopeRows = clientScopeRows(rep.clientScopes, realm.id);
  const graph = roleGraph(rep, realm, { clients: clientRows, scopes: scopeRows.scopes });
  // Checked before anything is written: every role and group a user names must exist.
  const memberships = (rep.users ?? []).map((user, index) => graph.memberships(user, index));
  const insertClients = clientRows.map((row) => db.insert(clients).values(row));
  const clientMappers = (rep.clients ?? []).flatMap((c, index) =>
    mapperRows(c.protocolMappers, realm.id, { clientId: clientRows[index]?.id as string }),
  );
  const insertScopes = scopeRows.scopes.map((row) => db.insert(clientScopes).values(row));
  const insertMappers = [...scopeRows.mappers, ...clientMappers].map((row) =>
    db.insert(protocolMappers).values(row),
  );
  const hooks = await webhookRows(
    rep,
    realm.id,
    secret,
    options.allowPrivateWebhookTargets ?? false,
  );

  try {
    await db.batch([
      db.insert(realms).values(realm),
      ...insertScopes,
      ...insertClients,
      ...insertMappers,
      ...roleGraphInserts(db, graph),
      // Service accounts have no password to hash, so they join the realm's own batch.
      ...serviceAccountInserts(db, rep, realm.id, clientRows, graph, memberships, now),
      ...hooks.map((row) => db.insert(webhookEndpoints).values(row)),
    ]);
  } catch (error) {
    // Another import of the same realm won the race: skip, as if it had been there before.
    if (await findRealmByName(db, rep.realm)) return { realm: rep.realm, created: false };
    throw error;
  }

  try {
    await createUsers(db, realm.id, rep, memberships);
  } catch (error) {
    // createUser writes one user per batch: remove the realm so no part of it stays behind.
    await db.delete(realms).where(eq(realms.id, realm.id));
    throw error;
  }
  return { realm: rep.realm, created: true };
}

/** A client-secret-jwt secret is stored sealed; without the deployment secret it cannot be. */
export function checkSealable(rep: RealmRepresentation, secret: string | undefined): void {
  if (secret !== undefined) return;
  const index = (rep.clients ?? []).findIndex(
    (c) => !c.publicClient && c.clientAuthenticatorType === "client-secret-jwt",
  );
  if (index < 0) return;
  const message =
    "a client-secret-jwt client's secret is sealed with KEY_ENCRYPTION_SECRET, and none was given";
  throw ImportError.at(["clients", index, "clientAuthenticatorType"], message);
}

/** The rows of the realm's roles, composites, groups and scope mappings, in insert order. */
export function roleGraphInserts(db: Database, graph: RoleGraph) {
  return [
    ...graph.roles.map((row) => db.insert(roles).values(row)),
    ...graph.composites.map((row) => db.insert(roleComposites).values(row)),
    ...graph.groups.map((row) => db.insert(groups).values(row)),
    ...graph.groupRoles.map((row) => db.insert(groupRoles).values(row)),
    ...graph.clientScopeRoles.map((row) => db.insert(clientScopeRoles).values(row)),
    ...graph.clientScopeScopeMappings.map((row) => db.insert(clientScopeScopeMappings).values(row)),
  ];
}

/**
 * The service account users of the clients that have one, with the roles and groups their
 * entry in the file gives them, or the realm's defaults, as Keycloak gives a new one.
 */
export function serviceAccountInserts(
  db: Database,
  rep: RealmRepresentation,
  realmId: string,
  clientRows: readonly ClientRow[],
  graph: RoleGraph,
  memberships: (Memberships | undefined)[],
  now: number,
) {
  const defaults: Memberships = {
    roleIds: [graph.defaultRoleId],
    groupIds: graph.groups.filter((group) => group.isDefault).map((group) => group.id),
  };
  return serviceAccountRows(clientRows, realmId, now).flatMap((user) => {
    const clientId = clientRows.find((row) => row.id === user.serviceAccountClientId)?.clientId;
    const index = (rep.users ?? []).findIndex((u) => u.serviceAccountClientId === clientId);
    const given = index < 0 ? undefined : memberships[index];
    return [db.insert(users).values(user), ...membershipInserts(db, user.id, given ?? defaults)];
  });
}

/** The representation, checked; an ImportError names each bad field. */
export function validate(representation: unknown): RealmRepresentation {
  const result = realmRepresentation.safeParse(representation);
  if (result.success) return result.data;

  const issues = result.error.issues.map((issue) => ({
    path: jsonPath(issue.path),
    message: issue.message,
  }));
  throw new ImportError(issues);
}

async function createUsers(
  db: Database,
  realmId: string,
  rep: RealmRepresentation,
  memberships: (Memberships | undefined)[],
) {
  for (const [index, user] of (rep.users ?? []).entries()) {
    // A Keycloak export lists service accounts as users; theirs was made with the client.
    if (user.serviceAccountClientId) continue;
    try {
      await createUser(db, realmId, { ...newUser(user), memberships: memberships[index] });
    } catch (error) {
      if (!(error instanceof DuplicateUserError)) throw error;
      // A user without a username gets their email as username, so the email is to blame.
      const field = user.username ? error.field : "email";
      const message = `another user in this realm already has this ${error.field}`;
      throw ImportError.at(["users", index, field], message);
    }
  }
}
