import type { Env } from "../config";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../crypto/password";
import type { Database } from "../db/client";
import type { Realm } from "../db/realms";
import { findLoginCandidate, lookupKey, type User, updatePasswordHash } from "../db/users";
import { accountGuard, guardPolicy } from "../limits/guard";

/**
 * Checks an email-or-username and password. Unknown, disabled and locked accounts cost the
 * same work as a wrong password and give the same answer (`undefined`), so neither the
 * words nor the timing tell them apart.
 */
export async function authenticatePassword(
  env: Env,
  db: Database,
  realm: Realm,
  login: string,
  password: string,
): Promise<User | undefined> {
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
    return undefined;
  }

  const { valid, needsRehash } = await verifyPassword(password, hash);
  if (!valid) {
    await guard.recordFailure(policy);
    return undefined;
  }

  // Only an account with failures on record needs a second call to its guard.
  if (status.failures > 0) await guard.recordSuccess();
  if (needsRehash) await updatePasswordHash(db, user.id, await hashPassword(password));
  return user;
}
