import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../config";
import { sha256 } from "../crypto/digest";
import { randomToken } from "../crypto/random";
import { sealClientSecret } from "../db/client-secret";
import type { Client } from "../db/clients";
import { defaultMemberships, membershipInserts } from "../db/roles";
import {
  authorizationCodes,
  clientScopes,
  clients,
  deviceCodes,
  protocolMappers,
  refreshTokens,
  users,
} from "../db/schema";
import {
  findServiceAccount,
  lookupKey,
  serviceAccountUser,
  serviceAccountUsername,
} from "../db/users";
import { mapperRows } from "../realm-import/client-scopes";
import { clientRow } from "../realm-import/rows";
import type { NewClientRepresentation } from "./client-representation";
import { AdminError } from "./errors";

/** The client the path names by its row id, in the path's realm. */
export async function pathClient(c: Context<AppEnv>, param = "clientUuid") {
  const client = await c.var.db.query.clients.findFirst({
    where: and(eq(clients.realmId, c.var.realm.id), eq(clients.id, c.req.param(param) ?? "")),
  });
  if (!client) throw AdminError.notFound("Could not find client");
  return client;
}

type ClientColumns = Awaited<ReturnType<typeof clientRow>>;

/** A new random client secret, as Keycloak makes one for a confidential client. */
export function newSecret(): string {
  return randomToken(24);
}

/**
 * The stored forms of a secret: its SHA-256 for client_secret_basic and _post, and sealed
 * (AES-256-GCM, bound to the client) so the admin API can show it again and
 * client_secret_jwt can use it as the HMAC key.
 */
export async function secretColumns(c: Context<AppEnv>, clientRowId: string, secret: string) {
  const key = c.env.KEY_ENCRYPTION_SECRET;
  return {
    secretHash: await sha256(secret),
    secretSealed: key ? await sealClientSecret(key, clientRowId, secret) : null,
  };
}

/** Whether a confidential client authenticates with a secret (not private_key_jwt). */
function usesSecret(row: { publicClient?: boolean; clientAuthenticatorType?: string }) {
  return !row.publicClient && row.clientAuthenticatorType !== "client-jwt";
}

async function realmScopeNames(c: Context<AppEnv>): Promise<Set<string>> {
  const rows = await c.var.db
    .select({ name: clientScopes.name })
    .from(clientScopes)
    .where(eq(clientScopes.realmId, c.var.realm.id));
  return new Set(rows.map((row) => row.name));
}

/** Refuses a clientId another client of the realm has, and a taken service account name. */
async function checkFree(c: Context<AppEnv>, clientId: string, exceptRowId?: string) {
  const other = await c.var.db.query.clients.findFirst({
    where: and(eq(clients.realmId, c.var.realm.id), eq(clients.clientId, clientId)),
  });
  if (other && other.id !== exceptRowId) {
    throw AdminError.conflict(`Client ${clientId} already exists`);
  }
}

/** The inserts of a client's service account user, with the realm's default roles and groups. */
async function serviceAccountInserts(c: Context<AppEnv>, row: { id: string; clientId: string }) {
  const { db, realm } = c.var;
  const user = serviceAccountUser(realm.id, row, Math.floor(Date.now() / 1000));
  const taken = await db.query.users.findFirst({
    where: and(eq(users.realmId, realm.id), eq(users.usernameKey, lookupKey(user.username))),
  });
  if (taken) throw AdminError.conflict(`User exists with same username ${user.username}`);
  const memberships = membershipInserts(db, user.id, await defaultMemberships(db, realm.id));
  return [db.insert(users).values(user), ...memberships];
}

/** The update that renames a service account after its client's new clientId, as Keycloak does. */
async function renameAccount(c: Context<AppEnv>, userId: string, clientId: string) {
  const username = serviceAccountUsername(clientId);
  const taken = await c.var.db.query.users.findFirst({
    where: and(eq(users.realmId, c.var.realm.id), eq(users.usernameKey, lookupKey(username))),
  });
  if (taken && taken.id !== userId) {
    throw AdminError.conflict(`User exists with same username ${username}`);
  }
  // In a list: a query builder is thenable, so an async function would run it on return.
  return [
    c.var.db
      .update(users)
      .set({ username, usernameKey: lookupKey(username) })
      .where(eq(users.id, userId)),
  ];
}

/** Creates a client (and its service account) in one batch; answers its row and secret. */
export async function createClient(c: Context<AppEnv>, rep: NewClientRepresentation) {
  const { db, realm } = c.var;
  await checkFree(c, rep.clientId);
  const now = Math.floor(Date.now() / 1000);
  const scopes = await realmScopeNames(c);
  // Without lists of its own, a new client starts from the realm's, as in Keycloak.
  const withScopes = {
    ...rep,
    defaultClientScopes: rep.defaultClientScopes ?? realm.defaultDefaultClientScopes,
    optionalClientScopes: rep.optionalClientScopes ?? realm.defaultOptionalClientScopes,
    secret: null,
  };
  const row: ClientColumns = await clientRow(withScopes, realm.id, now, "", scopes);
  const secret = usesSecret(row) ? (rep.secret ?? newSecret()) : undefined;
  if (secret) Object.assign(row, await secretColumns(c, row.id, secret));

  const accounts = row.serviceAccountsEnabled ? await serviceAccountInserts(c, row) : [];
  const mappers = mapperRows(rep.protocolMappers, realm.id, { clientId: row.id });
  try {
    await db.batch([
      db.insert(clients).values(row),
      ...mappers.map((mapper) => db.insert(protocolMappers).values(mapper)),
      ...accounts,
    ]);
  } catch {
    // Another request took the clientId (or the service account's name) in the meantime.
    throw AdminError.conflict(`Client ${rep.clientId} already exists`);
  }
  return row;
}

/**
 * Replaces a client's settings with a full representation (the stored one with the body laid
 * over it). Client scopes and protocol mappers are not changed here, as in Keycloak.
 */
export async function updateClient(
  c: Context<AppEnv>,
  client: Client,
  rep: NewClientRepresentation,
  newSecretValue: string | undefined,
) {
  const { db, realm } = c.var;
  await checkFree(c, rep.clientId, client.id);
  const columns = await clientRow(
    { ...rep, secret: null, defaultClientScopes: null, optionalClientScopes: null },
    realm.id,
    client.createdAt,
  );
  // The row is made without a secret: the stored one stays unless replaced below.
  const { id: _id, createdAt: _c, secretHash: _h, secretSealed: _s, ...changes } = columns;
  const update: Partial<ClientColumns> = { ...changes };
  if (!usesSecret(changes)) {
    if (changes.publicClient) Object.assign(update, { secretHash: null, secretSealed: null });
  } else if (newSecretValue || client.secretHash === null) {
    Object.assign(update, await secretColumns(c, client.id, newSecretValue ?? newSecret()));
  }
  const sealed = update.secretSealed !== undefined ? update.secretSealed : client.secretSealed;
  if (changes.clientAuthenticatorType === "client-secret-jwt" && !changes.publicClient && !sealed) {
    throw AdminError.badRequest(
      "client-secret-jwt needs a secret the server can read: send a new secret with the change",
    );
  }

  const account = await findServiceAccount(db, realm.id, client.id);
  const accounts =
    changes.serviceAccountsEnabled && !account
      ? await serviceAccountInserts(c, { id: client.id, clientId: rep.clientId })
      : [];
  const renamed = account && rep.clientId !== client.clientId;
  const renames = renamed ? await renameAccount(c, account.id, rep.clientId) : [];
  try {
    await db.batch([
      db.update(clients).set(update).where(eq(clients.id, client.id)),
      ...accounts,
      ...renames,
    ]);
  } catch {
    throw AdminError.conflict(`Client ${rep.clientId} already exists`);
  }
}

/** Gives a confidential client a new secret; answers it once, to be shown to the caller. */
export async function regenerateSecret(c: Context<AppEnv>, client: Client): Promise<string> {
  const secret = newSecret();
  const columns = await secretColumns(c, client.id, secret);
  await c.var.db.update(clients).set(columns).where(eq(clients.id, client.id));
  return secret;
}

/**
 * Deletes a client with everything issued to it, in one batch. Roles, role mappings, scope
 * mappings, consents, mappers, pushed requests and the service account (with its sessions)
 * go by ON DELETE CASCADE; codes and refresh tokens hold its row id without a foreign key.
 */
export async function deleteClient(c: Context<AppEnv>, client: Client) {
  const { db, realm } = c.var;
  const issuedTo = <
    T extends typeof refreshTokens | typeof authorizationCodes | typeof deviceCodes,
  >(
    table: T,
  ) => and(eq(table.realmId, realm.id), eq(table.clientId, client.id));
  await db.batch([
    db.delete(refreshTokens).where(issuedTo(refreshTokens)),
    db.delete(authorizationCodes).where(issuedTo(authorizationCodes)),
    db.delete(deviceCodes).where(issuedTo(deviceCodes)),
    db.delete(clients).where(eq(clients.id, client.id)),
  ]);
}
