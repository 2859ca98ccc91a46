import type { Context } from "hono";
import type { AppEnv } from "../config";
import { findPasskey, isSyncedPasskey, recordPasskeyUse } from "../db/passkeys";
import { findUserById, type User } from "../db/users";
import { consumeChallenge, type StoredChallenge } from "../db/webauthn-challenges";
import { accountGuard, guardPolicy } from "../limits/guard";
import { verifyAuthentication } from "../webauthn/authentication";
import { PasskeyError } from "../webauthn/errors";
import type { PasskeyCeremony } from "../webauthn/policy";
import { passkeyPolicy } from "../webauthn/policy";
import { parseAuthenticationResponse } from "../webauthn/response";
import { currentPasskeyAttempt } from "./passkey-attempt";

/**
 * RFC 8176 amr for a passkey: "swk" for a synced (backup-eligible, software-held) key, "hwk"
 * for a device-bound one, and "user" for the presence and verification test.
 */
// TODO(passkey-second-factor): a passkey after a password (Keycloak's webauthn-register) is
// not offered; it would add "mfa" to amr and needs a second step in the sign-in flow.
export function passkeyAmr(passkey: { backupEligible: boolean }): string[] {
  return [isSyncedPasskey(passkey) ? "swk" : "hwk", "user"];
}

/**
 * Takes this browser's challenge for a ceremony, once: a missing, replayed or expired one
 * refuses the response.
 */
export async function takeChallenge(
  c: Context<AppEnv>,
  ceremony: PasskeyCeremony,
  now: number,
): Promise<StoredChallenge> {
  const attempt = currentPasskeyAttempt(c);
  if (attempt === undefined) throw new PasskeyError("passkey_challenge_invalid");
  const stored = await consumeChallenge(c.var.db, c.var.realm.id, attempt, ceremony);
  if (!stored || stored.expiresAt <= now) throw new PasskeyError("passkey_challenge_invalid");
  return stored;
}

/**
 * Signs a person in with a discoverable passkey. Every refusal after the passkey names an
 * account counts toward that account's brute-force guard, and a locked account is refused
 * before the signature is even looked at.
 */
export async function authenticatePasskey(
  c: Context<AppEnv>,
  credentialJson: string | undefined,
  now: number,
): Promise<{ user: User; amr: string[] }> {
  const { db, realm } = c.var;
  const stored = await takeChallenge(c, "authentication", now);
  const response = parseAuthenticationResponse(credentialJson);

  const passkey = await findPasskey(db, realm.id, response.id);
  if (!passkey) throw new PasskeyError("passkey_not_found");
  const user = await findUserById(db, realm.id, passkey.userId);
  if (!user) throw new PasskeyError("passkey_not_found");

  const guard = accountGuard(c.env, realm.id, `user:${user.id}`);
  const policy = guardPolicy(realm);
  const status = await guard.check(policy);
  if (status.locked) {
    await guard.recordFailure(policy);
    throw new PasskeyError("user_temporarily_disabled", user.id);
  }
  if (!user.enabled) throw new PasskeyError("user_disabled", user.id);

  const rp = passkeyPolicy(realm, c.req.url);
  let verified: Awaited<ReturnType<typeof verifyAuthentication>>;
  try {
    verified = await verifyAuthentication(rp, response, stored.challenge, passkey);
  } catch (error) {
    if (error instanceof PasskeyError) {
      // This failure may be the one that locks the account: Keycloak reports that as an event.
      error.lockedOut = (await guard.recordFailure(policy)).locked;
    }
    throw error;
  }

  await recordPasskeyUse(db, passkey.id, { ...verified, now });
  if (status.failures > 0) await guard.recordSuccess();
  return { user, amr: passkeyAmr(passkey) };
}
