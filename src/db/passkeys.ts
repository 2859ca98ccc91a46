import { and, asc, eq, sql } from "drizzle-orm";
import { randomId } from "../crypto/random";
import type { NewPasskey } from "../webauthn/registration";
import type { Database } from "./client";
import { passkeys } from "./schema";

export type Passkey = typeof passkeys.$inferSelect;

// TODO(passkey-register-required-action): Keycloak's webauthn-register-passwordless required
// action (a realm making people add a passkey at sign-in) is not built; the account page's
// "Add a passkey" is the only way to add one to an existing account.

/** The passkey a credential id names in a realm, with its owner's id. */
export async function findPasskey(
  db: Database,
  realmId: string,
  credentialId: string,
): Promise<Passkey | undefined> {
  return db.query.passkeys.findFirst({
    where: and(eq(passkeys.realmId, realmId), eq(passkeys.credentialId, credentialId)),
  });
}

/** Whether a credential id is already registered in the realm, to anyone. */
export async function isCredentialRegistered(
  db: Database,
  realmId: string,
  credentialId: string,
): Promise<boolean> {
  return (await findPasskey(db, realmId, credentialId)) !== undefined;
}

/** After a verified sign-in: the new counter, backup state and when it was last used. */
export function recordPasskeyUse(
  db: Database,
  id: string,
  use: { counter: number; backupState: boolean; now: number },
) {
  return db
    .update(passkeys)
    .set({ counter: use.counter, backupState: use.backupState, lastUsedAt: use.now })
    .where(eq(passkeys.id, id));
}

/** Whether a passkey is a synced one (software-held, backed up) rather than device-bound. */
export function isSyncedPasskey(passkey: Pick<Passkey, "backupEligible">): boolean {
  return passkey.backupEligible;
}

/** A person's passkeys, oldest first, as the account page lists them. */
export function listUserPasskeys(db: Database, userId: string): Promise<Passkey[]> {
  return db.query.passkeys.findMany({
    where: eq(passkeys.userId, userId),
    orderBy: [asc(passkeys.createdAt), asc(passkeys.id)],
  });
}

/** One of a person's passkeys by its row id; another person's is not found. */
export function findUserPasskey(db: Database, userId: string, id: string) {
  return db.query.passkeys.findFirst({
    where: and(eq(passkeys.userId, userId), eq(passkeys.id, id)),
  });
}

/** Thrown when a credential id is already registered in the realm. */
export class DuplicatePasskeyError extends Error {
  constructor() {
    super("passkey credential id already registered");
  }
}

/**
 * Stores a passkey for an existing person. The realm's unique credential index decides a race
 * between two registrations of the same credential id.
 */
export async function addPasskey(
  db: Database,
  realmId: string,
  userId: string,
  passkey: NewPasskey,
): Promise<Passkey> {
  const row = { ...passkey, id: randomId(), realmId, userId };
  try {
    const [stored] = await db.insert(passkeys).values(row).returning();
    return stored as Passkey;
  } catch (error) {
    const message = String((error as { cause?: unknown })?.cause ?? error);
    if (
      message.includes("passkeys.credential_id") ||
      message.includes("passkeys_realm_credential")
    ) {
      throw new DuplicatePasskeyError();
    }
    throw error;
  }
}

/** Gives one of a person's passkeys a new name; false when they have no such passkey. */
export async function renamePasskey(
  db: Database,
  userId: string,
  id: string,
  name: string,
): Promise<boolean> {
  const rows = await db
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.userId, userId), eq(passkeys.id, id)))
    .returning({ id: passkeys.id });
  return rows.length > 0;
}

/**
 * Removes one of a person's passkeys unless it is their last way to sign in (no password and
 * no other passkey). The check and the delete are one statement, so two removals at once
 * cannot both take the last two passkeys.
 */
export async function removePasskeyUnlessLast(
  db: Database,
  userId: string,
  id: string,
): Promise<{ removed: Passkey } | { refused: "not_found" | "last_method" }> {
  const anotherWay = sql`(
    exists (select 1 from credentials where credentials.user_id = ${userId}
      and credentials.type = 'password')
    or (select count(*) from passkeys others where others.user_id = ${userId}) > 1
  )`;
  const [removed] = await db
    .delete(passkeys)
    .where(and(eq(passkeys.userId, userId), eq(passkeys.id, id), anotherWay))
    .returning();
  if (removed) return { removed };

  const exists = await findUserPasskey(db, userId, id);
  return { refused: exists ? "last_method" : "not_found" };
}
