import { importJWK, type JWK } from "jose";
import type { Env } from "../config";
import { database } from "../db/client";
import { SIGNING_ALGS, type SigningAlg } from "./generate";
import {
  type PublishedKeys,
  publishedKeysFrom,
  publishKeys,
  readPublishedKeys,
} from "./published-keys";
import { unseal } from "./seal";
import { loadSigningKeys } from "./stored-keys";

/** A realm's keys in memory: the public JWKS, and the signing key for each alg. */
export interface RealmKeys {
  jwks: { keys: JWK[] };
  signing: Record<SigningAlg, { kid: string; privateKey: CryptoKey }>;
}

// Short, so an isolate picks up a rotation soon after KV does. Rotation's publication delay
// (rotate.ts) counts on this bound.
const MEMORY_TTL_MS = 5 * 60 * 1000;

const memory = new Map<string, { expiresAt: number; keys: Promise<RealmKeys> }>();

/** The realm's keys, from isolate memory, then KV, then D1, generating them on first use. */
export function realmKeys(env: Env, realmId: string): Promise<RealmKeys> {
  const now = Date.now();
  const cached = memory.get(realmId);
  if (cached && cached.expiresAt > now) return cached.keys;

  // Concurrent requests share one load, so a cold isolate reads and generates only once.
  const keys = loadRealmKeys(env, realmId);
  memory.set(realmId, { expiresAt: now + MEMORY_TTL_MS, keys });
  keys.catch(() => {
    if (memory.get(realmId)?.keys === keys) memory.delete(realmId);
  });

  return keys;
}

/** Forgets one realm's keys held in this isolate's memory, so the next use reads KV. */
export function forgetRealmKeys(realmId: string): void {
  memory.delete(realmId);
}

/** Forgets every realm's keys held in this isolate's memory. */
export function clearKeyCache(): void {
  memory.clear();
}

async function loadRealmKeys(env: Env, realmId: string): Promise<RealmKeys> {
  let published = await readPublishedKeys(env.KEYS, realmId);

  if (!published) {
    const stored = await loadSigningKeys(database(env.DB), env.KEY_ENCRYPTION_SECRET, realmId);
    published = publishedKeysFrom(stored);
    await publishKeys(env.KEYS, realmId, published);
  }

  return openKeys(env.KEY_ENCRYPTION_SECRET, published);
}

async function openKeys(secret: string, published: PublishedKeys): Promise<RealmKeys> {
  const entries = await Promise.all(
    SIGNING_ALGS.map(async (alg) => {
      const { kid, sealed } = published.signing[alg];
      const jwk: JWK = JSON.parse(await unseal(secret, sealed, kid));

      // Not extractable: once imported, the private key cannot be read back out of memory.
      const privateKey = await importJWK(jwk, alg, { extractable: false });
      return [alg, { kid, privateKey: privateKey as CryptoKey }] as const;
    }),
  );

  return { jwks: published.jwks, signing: Object.fromEntries(entries) as RealmKeys["signing"] };
}
