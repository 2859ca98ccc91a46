import { and, eq } from "drizzle-orm";
import type { Database } from "./client";
import { defaultMemberships, membershipInserts } from "./roles";
import { clients, users } from "./schema";
import { findServiceAccount, serviceAccountUser, type User } from "./users";

export type ClientRow = typeof clients.$inferInsert;

/** Inserts a dynamically registered client and, when it has one, its service account. */
export async function insertRegisteredClient(db: Database, row: ClientRow & { id: string }) {
  const serviceAccount = row.serviceAccountsEnabled
    ? await serviceAccountInserts(db, serviceAccountUser(row.realmId, row, row.createdAt))
    : [];
  await db.batch([db.insert(clients).values(row), ...serviceAccount]);
}

/** A service account's row and, as Keycloak gives them, the realm's default memberships. */
async function serviceAccountInserts(db: Database, user: User) {
  const memberships = await defaultMemberships(db, user.realmId);
  return [db.insert(users).values(user), ...membershipInserts(db, user.id, memberships)];
}

/** The settings an RFC 7592 update may change. */
export type RegisteredClientUpdate = Pick<
  ClientRow,
  | "name"
  | "redirectUris"
  | "postLogoutRedirectUris"
  | "webOrigins"
  | "serviceAccountsEnabled"
  | "idTokenAlg"
  | "implicitFlowEnabled"
  | "jwks"
  | "jwksUri"
  | "registrationTokenHash"
>;

/**
 * Replaces a registered client's settings in one batch; a client that gains client_credentials
 * gets its service account then (a client that loses it keeps the account, disabled for use).
 */
export async function updateRegisteredClient(
  db: Database,
  client: { id: string; realmId: string; clientId: string },
  update: RegisteredClientUpdate,
  now: number,
) {
  const existing = update.serviceAccountsEnabled
    ? await findServiceAccount(db, client.realmId, client.id)
    : undefined;
  const serviceAccount =
    update.serviceAccountsEnabled && !existing
      ? await serviceAccountInserts(db, serviceAccountUser(client.realmId, client, now))
      : [];
  await db.batch([
    db.update(clients).set(update).where(eq(clients.id, client.id)),
    ...serviceAccount,
  ]);
}

/** Deletes a client; its service account goes with it (ON DELETE cascade). */
export async function deleteClient(db: Database, realmId: string, id: string) {
  await db.delete(clients).where(and(eq(clients.realmId, realmId), eq(clients.id, id)));
}
