import { DurableObject } from "cloudflare:workers";
import type { Env } from "../config";

/** A realm's brute-force settings, named as Keycloak's realm representation names them. */
export interface GuardPolicy {
  enabled: boolean;
  /** Failures before the account is locked ("Max login failures"). */
  failureFactor: number;
  /** Lockout per batch of `failureFactor` failures. */
  waitIncrementSeconds: number;
  maxFailureWaitSeconds: number;
  /** Failures older than this are forgotten ("Failure reset time"). */
  maxDeltaTimeSeconds: number;
}

/** Where an account stands; times are milliseconds since the epoch. */
export interface GuardStatus {
  locked: boolean;
  lockedUntil?: number;
  failures: number;
  lastFailure?: number;
}

interface FailureRecord {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
  /** When the alarm may delete the record, under the policy of the last failure. */
  staleAt: number;
}

const RECORD = "failures";
const OPEN: GuardStatus = { locked: false, failures: 0 };

/**
 * Counts failed sign-ins for one account of one realm and locks it out temporarily, with
 * Keycloak's brute-force detection rules. One instance per (realm, account): see `guard.ts`.
 */
export class AccountGuard extends DurableObject<Env> {
  /** Whether the account is locked out now, and how many recent failures it has. */
  async check(policy: GuardPolicy, now = Date.now()): Promise<GuardStatus> {
    if (!policy.enabled) return OPEN;

    const record = live(await this.load(), policy, now);

    return statusOf(record, now);
  }

  /** Counts a failed sign-in and locks the account once a batch of failures is full. */
  async recordFailure(policy: GuardPolicy, now = Date.now()): Promise<GuardStatus> {
    if (!policy.enabled) return OPEN;
    const record = live(await this.load(), policy, now);

    // A locked account's password is not checked, so Keycloak doesn't count failures then.
    if (record && now < record.lockedUntil) return statusOf(record, now);

    const failures = (record?.failures ?? 0) + 1;
    const waitSeconds = lockoutSeconds(failures, policy);
    const lockedUntil = waitSeconds > 0 ? now + waitSeconds * 1000 : 0;
    const fresh = { failures, lastFailure: now, lockedUntil };
    const next: FailureRecord = { ...fresh, staleAt: staleAt(fresh, policy) };

    await this.ctx.storage.put(RECORD, next);
    // Forget the account once its failures are stale, so idle guards hold no storage.
    await this.ctx.storage.setAlarm(next.staleAt);
    return statusOf(next, now);
  }

  /** Clears the failures after a successful sign-in, as Keycloak does. */
  async recordSuccess(): Promise<void> {
    if (await this.load()) await this.clear();
  }

  /** Clears failures and any lockout: the admin API's "unlock user". */
  async reset(): Promise<void> {
    await this.clear();
  }

  /** Deletes the record once it is stale. */
  override async alarm(): Promise<void> {
    const record = await this.load();
    if (record && Date.now() < record.staleAt) {
      await this.ctx.storage.setAlarm(record.staleAt);
      return;
    }

    await this.clear();
  }

  private load(): Promise<FailureRecord | undefined> {
    return this.ctx.storage.get<FailureRecord>(RECORD);
  }

  private async clear(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
}

/** Keycloak's wait: one increment per full batch of failures, up to the maximum. */
function lockoutSeconds(failures: number, policy: GuardPolicy): number {
  const batches = Math.floor(failures / Math.max(1, policy.failureFactor));
  return Math.min(policy.maxFailureWaitSeconds, policy.waitIncrementSeconds * batches);
}

/** Keycloak forgets failures when the last one is more than `maxDeltaTimeSeconds` old. */
function staleAt(record: Omit<FailureRecord, "staleAt">, policy: GuardPolicy): number {
  const forgetAt = record.lastFailure + policy.maxDeltaTimeSeconds * 1000 + 1;
  return Math.max(forgetAt, record.lockedUntil);
}

function live(
  record: FailureRecord | undefined,
  policy: GuardPolicy,
  now: number,
): FailureRecord | undefined {
  if (!record || now >= staleAt(record, policy)) return undefined;
  return record;
}

function statusOf(record: FailureRecord | undefined, now: number): GuardStatus {
  if (!record) return OPEN;
  const { failures, lastFailure, lockedUntil } = record;
  if (now < lockedUntil) return { locked: true, lockedUntil, failures, lastFailure };
  return { locked: false, failures, lastFailure };
}
