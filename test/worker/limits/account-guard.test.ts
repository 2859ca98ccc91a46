import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { GuardPolicy } from "../../../src/limits/account-guard";
import { accountGuard } from "../../../src/limits/guard";

// Keycloak's defaults.
const keycloak: GuardPolicy = {
  enabled: true,
  failureFactor: 30,
  waitIncrementSeconds: 60,
  maxFailureWaitSeconds: 900,
  maxDeltaTimeSeconds: 43_200,
};

const small: GuardPolicy = { ...keycloak, failureFactor: 3, maxFailureWaitSeconds: 150 };

function freshGuard(login = "alice@example.com") {
  return accountGuard(env, crypto.randomUUID(), login);
}

async function fail(
  guard: ReturnType<typeof freshGuard>,
  policy: GuardPolicy,
  times: number,
  now: number,
) {
  let status = await guard.check(policy, now);
  for (let i = 0; i < times; i++) status = await guard.recordFailure(policy, now);
  return status;
}

describe("account guard, after Keycloak's brute-force detection", () => {
  it("stays open below the failure factor", async () => {
    const guard = freshGuard();
    const now = Date.now();

    const status = await fail(guard, keycloak, 29, now);

    expect(status).toEqual({ locked: false, failures: 29, lastFailure: now });
    expect(await guard.check(keycloak, now)).toEqual(status);
  });

  it("locks at the failure factor for one wait increment", async () => {
    const guard = freshGuard();
    const now = Date.now();

    const status = await fail(guard, keycloak, 30, now);

    expect(status).toEqual({
      locked: true,
      lockedUntil: now + 60_000,
      failures: 30,
      lastFailure: now,
    });
    expect((await guard.check(keycloak, now + 59_999)).locked).toBe(true);
    expect(await guard.check(keycloak, now + 60_000)).toEqual({
      locked: false,
      failures: 30,
      lastFailure: now,
    });
  });

  it("does not count failures while the account is locked", async () => {
    const guard = freshGuard();
    const now = Date.now();
    const locked = await fail(guard, small, 3, now);

    const during = await guard.recordFailure(small, now + 30_000);

    expect(during).toEqual(locked);
  });

  it("adds a wait increment per full batch of failures, up to the maximum wait", async () => {
    const guard = freshGuard();
    let now = Date.now();
    const waits: number[] = [];

    for (let failure = 1; failure <= 10; failure++) {
      const status = await guard.recordFailure(small, now);
      const wait = status.lockedUntil === undefined ? 0 : (status.lockedUntil - now) / 1000;
      waits.push(wait);
      now += wait * 1000 + 1;
    }

    // Like Keycloak, every failure past the factor locks again: 60 s times full batches of 3.
    expect(waits).toEqual([0, 0, 60, 60, 60, 120, 120, 120, 150, 150]);
  });

  it("forgets the failures after a successful sign-in", async () => {
    const guard = freshGuard();
    const now = Date.now();
    await fail(guard, keycloak, 29, now);

    await guard.recordSuccess();

    expect(await guard.check(keycloak, now)).toEqual({ locked: false, failures: 0 });
    expect((await guard.recordFailure(keycloak, now)).failures).toBe(1);
  });

  it("unlocks a locked account on reset", async () => {
    const guard = freshGuard();
    const now = Date.now();
    await fail(guard, keycloak, 30, now);

    await guard.reset();

    expect(await guard.check(keycloak, now)).toEqual({ locked: false, failures: 0 });
  });

  it("forgets failures once the last one is older than maxDeltaTimeSeconds", async () => {
    const guard = freshGuard();
    const now = Date.now();
    const maxDelta = keycloak.maxDeltaTimeSeconds * 1000;
    await fail(guard, keycloak, 29, now);

    expect((await guard.check(keycloak, now + maxDelta)).failures).toBe(29);
    expect(await guard.check(keycloak, now + maxDelta + 1)).toEqual({ locked: false, failures: 0 });
    expect((await guard.recordFailure(keycloak, now + maxDelta + 1)).failures).toBe(1);
  });

  it("schedules deletion of its record for when the failures go stale", async () => {
    const guard = freshGuard();
    const now = Date.now();
    const longLockout = { ...small, maxDeltaTimeSeconds: 30 };

    await guard.recordFailure(keycloak, now);
    const alarm = await runInDurableObject(guard, (_, state) => state.storage.getAlarm());
    expect(alarm).toBe(now + keycloak.maxDeltaTimeSeconds * 1000 + 1);

    // A lockout longer than maxDeltaTimeSeconds keeps the record until it ends.
    const locked = await fail(guard, longLockout, 3, now);
    const lockAlarm = await runInDurableObject(guard, (_, state) => state.storage.getAlarm());
    expect(lockAlarm).toBe(locked.lockedUntil);
  });

  it("deletes its state when the alarm finds it stale, so idle guards cost nothing", async () => {
    const guard = freshGuard();
    const policy = { ...keycloak, maxDeltaTimeSeconds: 60 };
    await guard.recordFailure(policy, Date.now() - 120_000);

    // The alarm is already due; it may have run on its own before this forces it.
    await runDurableObjectAlarm(guard);

    const stored = await runInDurableObject(guard, async (_, state) => ({
      keys: [...(await state.storage.list()).keys()],
      alarm: await state.storage.getAlarm(),
    }));
    expect(stored).toEqual({ keys: [], alarm: null });
  });

  it("keeps a record the alarm finds still fresh, and waits until it is stale", async () => {
    const guard = freshGuard();
    const now = Date.now();
    await guard.recordFailure(keycloak, now);

    expect(await runDurableObjectAlarm(guard)).toBe(true);

    expect((await guard.check(keycloak, now)).failures).toBe(1);
    const alarm = await runInDurableObject(guard, (_, state) => state.storage.getAlarm());
    expect(alarm).toBe(now + keycloak.maxDeltaTimeSeconds * 1000 + 1);
  });

  it("never locks and stores nothing when brute-force protection is off", async () => {
    const guard = freshGuard();
    const off = { ...small, enabled: false };

    const status = await fail(guard, off, 50, Date.now());

    expect(status).toEqual({ locked: false, failures: 0 });
    const keys = await runInDurableObject(
      guard,
      async (_, state) => (await state.storage.list()).size,
    );
    expect(keys).toBe(0);
  });

  it("keeps accounts and realms apart, and one account's spellings together", async () => {
    const realmId = crypto.randomUUID();
    const now = Date.now();
    await fail(accountGuard(env, realmId, "alice@example.com"), small, 3, now);

    const sameAccount = accountGuard(env, realmId, " Alice@Example.COM ");
    const otherAccount = accountGuard(env, realmId, "bob@example.com");
    const otherRealm = accountGuard(env, crypto.randomUUID(), "alice@example.com");

    expect((await sameAccount.check(small, now)).locked).toBe(true);
    expect(await otherAccount.check(small, now)).toEqual({ locked: false, failures: 0 });
    expect(await otherRealm.check(small, now)).toEqual({ locked: false, failures: 0 });
  });
});
