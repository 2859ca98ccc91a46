import type { Env } from "../config";
import type { Realm } from "../db/realms";
import { lookupKey } from "../db/users";
import type { GuardPolicy } from "./account-guard";

/**
 * The guard of one account in one realm. Pass the user's id when the login matches a user, so
 * email and username share one count, and the login as typed otherwise: unknown accounts get a
 * guard too and lock out exactly like real ones.
 */
export function accountGuard(env: Env, realmId: string, accountKey: string) {
  // JSON, so no realm id or login can make two different pairs share a name.
  const name = JSON.stringify([realmId, lookupKey(accountKey)]);
  return env.ACCOUNT_GUARD.get(env.ACCOUNT_GUARD.idFromName(name));
}

/** A realm's brute-force settings, as the guard takes them. */
export function guardPolicy(realm: Realm): GuardPolicy {
  return {
    enabled: realm.bruteForceProtected,
    failureFactor: realm.failureFactor,
    waitIncrementSeconds: realm.waitIncrementSeconds,
    maxFailureWaitSeconds: realm.maxFailureWaitSeconds,
    maxDeltaTimeSeconds: realm.maxDeltaTimeSeconds,
  };
}
