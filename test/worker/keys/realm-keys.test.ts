import { env } from "cloudflare:test";
import { calculateJwkThumbprint, type JWK } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { realms, signingKeys } from "../../../src/db/schema";
import { SIGNING_ALGS } from "../../../src/keys/generate";
import { publishedKeysKey } from "../../../src/keys/published-keys";
import { clearKeyCache, realmKeys } from "../../../src/keys/realm-keys";
import { unseal } from "../../../src/keys/seal";
import { loadSigningKeys } from "../../../src/keys/stored-keys";

const testEnv = env as unknown as Env;
const db = database(testEnv.DB);

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"];

async function createRealm(): Promise<string> {
  const id = crypto.randomUUID();
  await db.insert(realms).values({ id, name: `realm-${id}`, createdAt: 0 });
  return id;
}

async function storedKeys(realmId: string) {
  const rows = await db.select().from(signingKeys);
  return rows.filter((row) => row.realmId === realmId);
}

// Throws on any use: proves a path never reached this binding.
function tripwire<T>(name: string): T {
  return new Proxy({} as object, {
    get() {
      throw new Error(`${name} was touched`);
    },
  }) as T;
}

beforeEach(() => clearKeyCache());

afterEach(() => vi.useRealTimers());

describe("realm signing keys: one active key per alg (ES256, RS256, EdDSA) per realm", () => {
  it("generates every key on first use and stores them in D1 as active", async () => {
    const realmId = await createRealm();

    const keys = await realmKeys(testEnv, realmId);

    const rows = await storedKeys(realmId);
    expect(rows.map((row) => [row.alg, row.status]).sort()).toEqual([
      ["ES256", "active"],
      ["EdDSA", "active"],
      ["RS256", "active"],
    ]);
    expect(keys.signing.ES256.kid).toBe(rows.find((row) => row.alg === "ES256")?.kid);
    expect(keys.signing.RS256.kid).toBe(rows.find((row) => row.alg === "RS256")?.kid);
  });

  it("names each key by its RFC 7638 thumbprint", async () => {
    const keys = await realmKeys(testEnv, await createRealm());

    for (const jwk of keys.jwks.keys) {
      expect(jwk.kid).toBe(await calculateJwkThumbprint(jwk, "sha256"));
    }
  });

  it("publishes public JWKs with kid, alg and use=sig, and no private member", async () => {
    const realmId = await createRealm();
    const fromD1 = await realmKeys(testEnv, realmId);
    clearKeyCache();
    const fromKv = await realmKeys(testEnv, realmId);

    for (const keys of [fromD1, fromKv]) {
      expect(keys.jwks.keys.map((jwk) => [jwk.alg, jwk.kty, jwk.use]).sort()).toEqual([
        ["ES256", "EC", "sig"],
        ["EdDSA", "OKP", "sig"],
        ["RS256", "RSA", "sig"],
      ]);
      for (const jwk of keys.jwks.keys) {
        expect(jwk.kid).toEqual(expect.any(String));
        for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
      }
    }
  });

  it("imports the private keys as non-extractable CryptoKeys", async () => {
    const keys = await realmKeys(testEnv, await createRealm());

    expect(keys.signing.ES256.privateKey.type).toBe("private");
    expect(keys.signing.ES256.privateKey.extractable).toBe(false);
    expect(keys.signing.RS256.privateKey.extractable).toBe(false);
  });

  it("keeps no plaintext private key in D1", async () => {
    const realmId = await createRealm();
    await realmKeys(testEnv, realmId);

    for (const row of await storedKeys(realmId)) {
      for (const member of PRIVATE_MEMBERS) expect(row.publicJwk).not.toHaveProperty(member);
      expect(row.privateJwkSealed).toMatch(/^v1\./);

      const privateJwk: JWK = JSON.parse(
        await unseal(testEnv.KEY_ENCRYPTION_SECRET, row.privateJwkSealed, row.kid),
      );
      expect(privateJwk.d).toEqual(expect.any(String));
      expect(row.privateJwkSealed).not.toContain(privateJwk.d);
      expect(await calculateJwkThumbprint(privateJwk, "sha256")).toBe(row.kid);
    }
  });
});

describe("realm key distribution: memory, then KV, then D1", () => {
  it("reuses the same keys across calls", async () => {
    const realmId = await createRealm();

    const first = await realmKeys(testEnv, realmId);
    const second = await realmKeys(testEnv, realmId);

    expect(second).toBe(first);
  });

  it("serves warmed keys from memory without touching KV or D1", async () => {
    const realmId = await createRealm();
    const warm = await realmKeys(testEnv, realmId);

    const cold = { ...testEnv, KEYS: tripwire<KVNamespace>("KV"), DB: tripwire<D1Database>("D1") };

    expect(await realmKeys(cold, realmId)).toBe(warm);
  });

  it("serves the same kids from KV after memory is cleared, without touching D1", async () => {
    const realmId = await createRealm();
    const first = await realmKeys(testEnv, realmId);
    clearKeyCache();

    const fromKv = await realmKeys({ ...testEnv, DB: tripwire<D1Database>("D1") }, realmId);

    expect(fromKv.signing.ES256.kid).toBe(first.signing.ES256.kid);
    expect(fromKv.signing.RS256.kid).toBe(first.signing.RS256.kid);
    expect(fromKv.jwks).toEqual(first.jwks);
  });

  it("re-reads the same kids from D1 when the KV entry is gone, and republishes them", async () => {
    const realmId = await createRealm();
    const first = await realmKeys(testEnv, realmId);
    clearKeyCache();
    await testEnv.KEYS.delete(publishedKeysKey(realmId));

    const fromD1 = await realmKeys(testEnv, realmId);

    expect(fromD1.signing.ES256.kid).toBe(first.signing.ES256.kid);
    expect(fromD1.signing.RS256.kid).toBe(first.signing.RS256.kid);
    expect(await storedKeys(realmId)).toHaveLength(SIGNING_ALGS.length);
    expect(await testEnv.KEYS.get(publishedKeysKey(realmId))).not.toBeNull();
  });

  it("forgets keys held in memory after five minutes", async () => {
    const realmId = await createRealm();
    vi.useFakeTimers({ toFake: ["Date"] });
    await realmKeys(testEnv, realmId);
    const cold = { ...testEnv, KEYS: tripwire<KVNamespace>("KV"), DB: tripwire<D1Database>("D1") };

    vi.advanceTimersByTime(4 * 60 * 1000);
    await expect(realmKeys(cold, realmId)).resolves.toBeDefined();

    vi.advanceTimersByTime(2 * 60 * 1000);
    await expect(realmKeys(cold, realmId)).rejects.toThrow("KV was touched");
  });

  it("does not remember a failed load", async () => {
    const realmId = await createRealm();

    await expect(realmKeys({ ...testEnv, KEYS: tripwire("KV") }, realmId)).rejects.toThrow();

    await expect(realmKeys(testEnv, realmId)).resolves.toBeDefined();
  });
});

describe("concurrent first use", () => {
  it("ends with one active key per alg when several requests race on a cold cache", async () => {
    const realmId = await createRealm();

    const all = await Promise.all(Array.from({ length: 5 }, () => realmKeys(testEnv, realmId)));

    const rows = await storedKeys(realmId);
    expect(rows.map((row) => row.alg).sort()).toEqual(["ES256", "EdDSA", "RS256"]);
    for (const keys of all) {
      expect(keys.signing.ES256.kid).toBe(all[0]?.signing.ES256.kid);
      expect(keys.signing.RS256.kid).toBe(all[0]?.signing.RS256.kid);
    }
  });

  it("ends with one active key per alg when isolates generate and insert at once", async () => {
    const realmId = await createRealm();
    const secret = testEnv.KEY_ENCRYPTION_SECRET;

    // Each call stands for an isolate with an empty cache: all read nothing, all generate.
    const loads = await Promise.all(
      Array.from({ length: 5 }, () => loadSigningKeys(db, secret, realmId)),
    );

    const rows = await storedKeys(realmId);
    expect(rows.map((row) => [row.alg, row.status]).sort()).toEqual([
      ["ES256", "active"],
      ["EdDSA", "active"],
      ["RS256", "active"],
    ]);
    for (const load of loads) {
      expect(load.map((row) => row.kid).sort()).toEqual(rows.map((row) => row.kid).sort());
    }
  });
});
