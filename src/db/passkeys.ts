import { and, eq } from "drizzle-orm";
import type { Database } from "./client";
import { passkeys } from "./schema";

export type Passkey = typeof passkeys.$inferSelect;

// TODO(passkey-add-to-account): passkeys are only made at sign-up. Adding one to an existing
// account (after sign-in, or Keycloak's webauthn-register-passwordless required action) must
// reuse the user's handle from their first passkey and exclude their credential ids.
// TODO(passkey-account-page): the account console does not list, rename or remove passkeys
// yet; removing the last way to sign in must be refused there.

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
