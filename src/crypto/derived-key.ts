import { secretBytes } from "./secret";

type DerivedAlgorithm = { name: "AES-GCM"; length: 256 } | { name: "HMAC"; hash: "SHA-256" };

// Derivation costs a few WebCrypto calls; the secret does not change within an isolate.
const cache = new Map<string, Promise<CryptoKey>>();

/**
 * A key derived from the deployment secret with HKDF-SHA-256 under its own `info` label, so
 * one secret yields independent keys for sealing, CSRF tokens and user codes. Cached per
 * secret and label; a failed derivation is not remembered.
 */
export function derivedKey(
  secret: string,
  label: string,
  algorithm: DerivedAlgorithm,
  usages: string[],
): Promise<CryptoKey> {
  const id = `${label}\u0000${secret}`;
  let key = cache.get(id);
  if (!key) {
    key = derive(secret, label, algorithm, usages);
    key.catch(() => cache.delete(id));
    cache.set(id, key);
  }
  return key;
}

async function derive(
  secret: string,
  label: string,
  algorithm: DerivedAlgorithm,
  usages: string[],
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", secretBytes(secret), "HKDF", false, [
    "deriveKey",
  ]);
  const info = new TextEncoder().encode(label);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info },
    material,
    algorithm,
    false,
    usages,
  );
}
