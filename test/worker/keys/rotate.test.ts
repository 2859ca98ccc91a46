import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { eq } from "drizzle-orm";
import { decodeProtectedHeader, type JWTPayload } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { realms, signingKeys } from "../../../src/db/schema";
import worker from "../../../src/index";
import { SIGNING_ALGS, type SigningAlg } from "../../../src/keys/generate";
import { clearKeyCache, type RealmKeys, realmKeys } from "../../../src/keys/realm-keys";
import {
  PUBLICATION_DELAY_SECONDS,
  ROTATION_PERIOD_SECONDS,
  rotateKeys,
  rotateNow,
} from "../../../src/keys/rotate";
import { signJwt, verifyJwt } from "../../../src/keys/sign";
import { loadSigningKeys } from "../../../src/keys/stored-keys";

const testEnv = env as unknown as Env;
const db = database(testEnv.DB);

const issuer = "https://id.example/realms/rotation";
const DAY = 24 * 60 * 60;
// Far from the real clock, so only the times passed in matter.
const T0 = 1_900_000_000;

async function createRealm(
  ssoSessionMaxLifespan = 36000,
  offlineSessionIdleTimeout = 30 * DAY,
): Promise<string> {
  const id = crypto.randomUUID();
  const name = `realm-${id}`;
  await db
    .insert(realms)
    .values({ id, name, ssoSessionMaxLifespan, offlineSessionIdleTimeout, createdAt: 0 });
  await loadSigningKeys(db, testEnv.KEY_ENCRYPTION_SECRET, id, T0);
  return id;
}

async function statuses(realmId: string) {
  const rows = await db.select().from(signingKeys).where(eq(signingKeys.realmId, realmId));
  return rows.map((row) => ({ kid: row.kid, alg: row.alg, status: row.status }));
}

async function kidsWith(realmId: string, status: string, alg: SigningAlg = "ES256") {
  const rows = await statuses(realmId);
  return rows.filter((row) => row.status === status && row.alg === alg).map((row) => row.kid);
}

// The invariant every step must keep: exactly one signing key per alg.
async function expectOneActivePerAlg(realmId: string) {
  for (const alg of SIGNING_ALGS) {
    expect(await kidsWith(realmId, "active", alg)).toHaveLength(1);
  }
}

async function rotateAt(at: number, realmId: string) {
  const results = await rotateKeys(testEnv, at);
  await expectOneActivePerAlg(realmId);
  return results.find((result) => result.realmId === realmId);
}

function keysOf(realmId: string): Promise<RealmKeys> {
  clearKeyCache();
  return realmKeys(testEnv, realmId);
}

async function signAt(keys: RealmKeys, at: number, alg: SigningAlg = "ES256") {
  const payload: JWTPayload = { iss: issuer, sub: "user-1", iat: at, exp: at + 300 };
  const token = await signJwt(keys, payload, { typ: "JWT", alg });
  return { token, at };
}

function verifyAt(keys: RealmKeys, signed: { token: string; at: number }) {
  return verifyJwt(keys, signed.token, { issuer, currentDate: new Date((signed.at + 60) * 1000) });
}

function jwksKids(keys: RealmKeys): string[] {
  return keys.jwks.keys.map((jwk) => jwk.kid ?? "").sort();
}

beforeEach(() => clearKeyCache());

describe("scheduled key rotation: next, then active, then retired, then gone", () => {
  it("starts a fresh realm with one active key per alg and nothing to do", async () => {
    const realmId = await createRealm();

    const result = await rotateAt(T0 + DAY, realmId);

    expect((await statuses(realmId)).map((row) => [row.alg, row.status]).sort()).toEqual([
      ["ES256", "active"],
      ["EdDSA", "active"],
      ["RS256", "active"],
    ]);
    expect(result).toEqual({ realmId, created: [], promoted: [], retired: [], deleted: [] });
  });

  it("walks a key through its whole lifecycle without two active keys at any step", async () => {
    const realmId = await createRealm(36000, 600);
    const [oldKid] = await kidsWith(realmId, "active");
    const oldToken = await signAt(await keysOf(realmId), T0);
    expect(decodeProtectedHeader(oldToken.token).kid).toBe(oldKid);

    // Just short of the period: nothing moves.
    const rotatedAt = T0 + ROTATION_PERIOD_SECONDS;
    expect((await rotateAt(rotatedAt - 1, realmId))?.created).toEqual([]);

    // The period is over: a `next` key per alg is published but does not sign.
    const created = await rotateAt(rotatedAt, realmId);
    expect(created?.created).toHaveLength(SIGNING_ALGS.length);
    const [nextKid] = await kidsWith(realmId, "next");
    let keys = await keysOf(realmId);
    expect(jwksKids(keys)).toHaveLength(2 * SIGNING_ALGS.length);
    expect(jwksKids(keys)).toContain(nextKid);
    expect(keys.signing.ES256.kid).toBe(oldKid);
    expect(decodeProtectedHeader((await signAt(keys, rotatedAt)).token).kid).toBe(oldKid);

    // One second before the publication delay ends: still not signing.
    expect((await rotateAt(rotatedAt + PUBLICATION_DELAY_SECONDS - 1, realmId))?.promoted).toEqual(
      [],
    );
    expect((await keysOf(realmId)).signing.ES256.kid).toBe(oldKid);

    // The delay is over: the next key signs, the old one is retired and still verifies.
    const promotedAt = rotatedAt + PUBLICATION_DELAY_SECONDS;
    const promoted = await rotateAt(promotedAt, realmId);
    expect(promoted?.promoted).toContain(nextKid);
    expect(promoted?.retired).toContain(oldKid);
    expect(await kidsWith(realmId, "retired")).toEqual([oldKid]);
    keys = await keysOf(realmId);
    expect(keys.signing.ES256.kid).toBe(nextKid);
    expect(jwksKids(keys)).toHaveLength(2 * SIGNING_ALGS.length);
    const newToken = await signAt(keys, promotedAt);
    expect(decodeProtectedHeader(newToken.token).kid).toBe(nextKid);
    await expect(verifyAt(keys, newToken)).resolves.toMatchObject({ sub: "user-1" });
    await expect(verifyAt(keys, oldToken)).resolves.toMatchObject({ sub: "user-1" });

    // Within the grace (the realm's SSO max lifespan plus the delay) the retired key stays.
    const grace = 36000 + PUBLICATION_DELAY_SECONDS;
    expect((await rotateAt(promotedAt + grace - 1, realmId))?.deleted).toEqual([]);
    await expect(verifyAt(await keysOf(realmId), oldToken)).resolves.toBeDefined();

    // After it, the retired key leaves D1 and the JWKS, and its tokens no longer verify.
    const deleted = await rotateAt(promotedAt + grace, realmId);
    expect(deleted?.deleted).toContain(oldKid);
    keys = await keysOf(realmId);
    expect(jwksKids(keys)).toHaveLength(SIGNING_ALGS.length);
    expect(jwksKids(keys)).not.toContain(oldKid);
    await expect(verifyAt(keys, oldToken)).rejects.toMatchObject({
      code: "ERR_JWKS_NO_MATCHING_KEY",
    });
    await expect(verifyAt(keys, newToken)).resolves.toBeDefined();
  });

  it("keeps a retired key for the realm's own SSO max lifespan", async () => {
    const realmId = await createRealm(3600, 600);
    const rotatedAt = T0 + ROTATION_PERIOD_SECONDS;
    await rotateAt(rotatedAt, realmId);
    const promotedAt = rotatedAt + PUBLICATION_DELAY_SECONDS;
    await rotateAt(promotedAt, realmId);
    const grace = 3600 + PUBLICATION_DELAY_SECONDS;

    expect((await rotateAt(promotedAt + grace - 1, realmId))?.deleted).toEqual([]);
    expect((await rotateAt(promotedAt + grace, realmId))?.deleted).toHaveLength(
      SIGNING_ALGS.length,
    );
  });

  it("keeps a retired key as long as an offline token it signed can be used", async () => {
    const realmId = await createRealm(3600, 7200);
    const rotatedAt = T0 + ROTATION_PERIOD_SECONDS;
    await rotateAt(rotatedAt, realmId);
    const promotedAt = rotatedAt + PUBLICATION_DELAY_SECONDS;
    await rotateAt(promotedAt, realmId);
    const grace = 7200 + PUBLICATION_DELAY_SECONDS;

    expect((await rotateAt(promotedAt + grace - 1, realmId))?.deleted).toEqual([]);
    expect((await rotateAt(promotedAt + grace, realmId))?.deleted).toHaveLength(
      SIGNING_ALGS.length,
    );
  });

  it("accepts a shorter rotation period per call", async () => {
    const realmId = await createRealm();

    const results = await rotateKeys(testEnv, T0 + 60, { rotationPeriod: 60 });

    expect(results.find((result) => result.realmId === realmId)?.created).toHaveLength(
      SIGNING_ALGS.length,
    );
  });

  it("does not start the delay of a next key KV never received", async () => {
    const realmId = await createRealm();
    const rotatedAt = T0 + ROTATION_PERIOD_SECONDS;
    const refusingKv = {
      ...testEnv,
      KEYS: { put: () => Promise.reject(new Error("KV refused")) } as unknown as KVNamespace,
    };

    await rotateKeys(refusingKv, rotatedAt);
    expect(await kidsWith(realmId, "next")).toHaveLength(1);

    // The next run publishes it and starts the clock there, so promotion waits a full delay more.
    const publishedAt = rotatedAt + PUBLICATION_DELAY_SECONDS;
    expect((await rotateAt(publishedAt, realmId))?.promoted).toEqual([]);
    expect(jwksKids(await keysOf(realmId))).toHaveLength(2 * SIGNING_ALGS.length);
    const promoted = await rotateAt(publishedAt + PUBLICATION_DELAY_SECONDS, realmId);
    expect(promoted?.promoted).toHaveLength(SIGNING_ALGS.length);
  });
});

describe("on-demand rotation", () => {
  it("publishes a next key at once and promotes it only after the delay", async () => {
    const realmId = await createRealm();
    const [oldKid] = await kidsWith(realmId, "active");
    const [rs256Kid] = await kidsWith(realmId, "active", "RS256");
    const at = T0 + DAY;

    const nextKid = await rotateNow(testEnv, realmId, "ES256", at);

    expect(await kidsWith(realmId, "next")).toEqual([nextKid]);
    expect(await kidsWith(realmId, "next", "RS256")).toEqual([]);
    const keys = await keysOf(realmId);
    expect(jwksKids(keys)).toContain(nextKid);
    expect(keys.signing.ES256.kid).toBe(oldKid);

    expect((await rotateAt(at + PUBLICATION_DELAY_SECONDS - 1, realmId))?.promoted).toEqual([]);
    const promoted = await rotateAt(at + PUBLICATION_DELAY_SECONDS, realmId);
    expect(promoted).toMatchObject({ promoted: [nextKid], retired: [oldKid], created: [] });
    expect((await keysOf(realmId)).signing.ES256.kid).toBe(nextKid);
    expect((await keysOf(realmId)).signing.RS256.kid).toBe(rs256Kid);
  });

  it("returns the rotation already under way instead of starting another", async () => {
    const realmId = await createRealm();

    const first = await rotateNow(testEnv, realmId, "RS256", T0);
    const second = await rotateNow(testEnv, realmId, "RS256", T0 + 1);

    expect(second).toBe(first);
    expect(await kidsWith(realmId, "next", "RS256")).toEqual([first]);
  });
});

describe("the scheduled handler", () => {
  it("rotates keys at the cron's scheduled time", async () => {
    const realmId = await createRealm();
    const scheduledTime = (T0 + ROTATION_PERIOD_SECONDS) * 1000;

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime }), testEnv, ctx);
    await waitOnExecutionContext(ctx);

    expect(await kidsWith(realmId, "next")).toHaveLength(1);
    expect(await kidsWith(realmId, "next", "RS256")).toHaveLength(1);
    await expectOneActivePerAlg(realmId);
  });
});
