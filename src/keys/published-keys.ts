import type { JWK } from "jose";
import { logEvent } from "../http/log";
import { SIGNING_ALGS, type SigningAlg } from "./generate";
import { activeKey, type StoredSigningKey } from "./stored-keys";

/** What KV holds for a realm: the public JWKS and the active private keys, still sealed. */
export interface PublishedKeys {
  jwks: { keys: JWK[] };
  signing: Record<SigningAlg, { kid: string; sealed: string }>;
}

// RFC 7518 §6.2.1 (EC), §6.3.1 (RSA) and RFC 8037 §2 (OKP): the members of a public key.
const PUBLIC_MEMBERS = ["kty", "crv", "x", "y", "n", "e"] as const;

/** The KV key of a realm's published keys; versioned so a new shape reads as a miss. */
export function publishedKeysKey(realmId: string): string {
  // v2: EdDSA joined the signing keys, so a v1 entry lacks one.
  return `realm-keys:v2:${realmId}`;
}

// Short enough that a rotation in D1 reaches every location within the hour.
const KV_TTL_SECONDS = 60 * 60;

/** The realm's published keys from KV, or null when they are not there (yet, or any more). */
export function readPublishedKeys(kv: KVNamespace, realmId: string): Promise<PublishedKeys | null> {
  return kv.get<PublishedKeys>(publishedKeysKey(realmId), "json");
}

/** Writes the realm's keys to KV, throwing when KV refuses: rotation must know it published. */
export function writePublishedKeys(
  kv: KVNamespace,
  realmId: string,
  keys: PublishedKeys,
): Promise<void> {
  return kv.put(publishedKeysKey(realmId), JSON.stringify(keys), {
    expirationTtl: KV_TTL_SECONDS,
  });
}

/** Writes the realm's keys to KV; a failed write is logged, since D1 stays the source of truth. */
export async function publishKeys(
  kv: KVNamespace,
  realmId: string,
  keys: PublishedKeys,
): Promise<void> {
  try {
    await writePublishedKeys(kv, realmId, keys);
  } catch (error) {
    // KV allows one write per second per key: isolates warming together may be refused.
    logEvent("keys.publish_failed", { realm: realmId, error: String(error).slice(0, 200) });
  }
}

/** Shapes D1 rows for KV: next, active and retired keys all verify; only active keys sign. */
export function publishedKeysFrom(rows: StoredSigningKey[]): PublishedKeys {
  const signing = {} as PublishedKeys["signing"];
  for (const alg of SIGNING_ALGS) {
    const key = activeKey(rows, alg);
    if (!key) throw new Error(`Realm has no active ${alg} signing key`);
    signing[alg] = { kid: key.kid, sealed: key.privateJwkSealed };
  }

  const keys = rows.map((row) => publicJwk(row));

  return { jwks: { keys }, signing };
}

/**
 * A row's public JWK. Only public members are copied, so a private one can never reach the JWKS
 * (or the admin API) whatever the row holds.
 */
export function publicJwk(row: StoredSigningKey): JWK {
  const jwk = row.publicJwk as JWK;
  const members = PUBLIC_MEMBERS.filter((name) => jwk[name] !== undefined);

  return {
    ...Object.fromEntries(members.map((name) => [name, jwk[name]])),
    kid: row.kid,
    alg: row.alg,
    use: "sig",
  };
}
