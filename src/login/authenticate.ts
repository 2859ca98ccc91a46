import type { Env } from "../config";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../crypto/password";
import type { Database } from "../db/client";
import type { Realm } from "../db/realms";
import { findLoginCandidate, lookupKey, type User, updatePasswordHash } from "../db/users";
import { accountGuard, guardPolicy } from "../limits/guard";

/** Why a sign-in failed, in Keycloak's event error codes; for logs, never for the page. */
export type SignInError =
  | "user_not_found"
  | "user_disabled"
  | "user_temporarily_disabled"
  | "invalid_user_credentials";

/** A signed-in user, or the reason and (for a known account) the id of a failure. */
export type SignInOutcome =
  | { user: User }
  | { user: undefined; userId: string | undefined; error: SignInError; lockedOut?: boolean };

/**
 * Checks an email-or-username and password. Unknown, disabled and locked accounts cost the
 * same work as a wrong password and look the same to the person, so neither the
 * words nor the timing tell them apart.
 */
export async function authenticatePassword(
  env: Env,
  db: Database,
  realm: Realm,
  login: string,
  password: string,
): Promise<SignInOutcome> {
  const candidate = await findLoginCandidate(db, realm.id, login);
  const user = candidate?.user;
  const hash = user?.enabled ? (candidate?.passwordHash ?? undefined) : undefined;

  // Unknown accounts get a guard too, so the work done never depends on whether one exists.
  const guard = accountGuard(env, realm.id, user ? `user:${user.id}` : `login:${lookupKey(login)}`);
  const policy = guardPolicy(realm);
  const status = await guard.check(policy);

  if (status.locked || !user || hash === undefined) {
    await burnPasswordCheck(password);
    await guard.recordFailure(policy);
    return { user: undefined, userId: user?.id, error: failureReason(user, status.locked) };
  }

  const { valid, needsRehash } = await verifyPassword(password, hash);
  if (!valid) {
    // This failure may be the one that locks the account: Keycloak reports that as an event.
    const lockedOut = (await guard.recordFailure(policy)).locked;
    return { user: undefined, userId: user.id, error: "invalid_user_credentials", lockedOut };
  }

  // Only an account with failures on record needs a second call to its guard.
  if (status.failures > 0) await guard.recordSuccess();
  if (needsRehash) await updatePasswordHash(db, user.id, await hashPassword(password));
  return { user };
}

function failureReason(user: User | undefined, locked: boolean): SignInError {
  if (!user) return "user_not_found";
  if (locked) return "user_temporarily_disabled";
  return user.enabled ? "invalid_user_credentials" : "user_disabled";
}
