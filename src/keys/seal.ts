import { base64url } from "jose";
import { secretBytes } from "../crypto/secret";

/** Why a sealed blob could not be opened: never a partial or garbled plaintext. */
export class SealError extends Error {
  override name = "SealError";
}

const VERSION = "v1";
const INFO = "latchkey signing-key seal v1";
const IV_BYTES = 12;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Derivation costs a few WebCrypto calls; the secret does not change within an isolate.
const derivedKeys = new Map<string, Promise<CryptoKey>>();

/** Encrypts `plaintext` with AES-256-GCM, bound to `aad`, as `v1.<iv>.<ciphertext>`. */
export async function seal(secret: string, plaintext: string, aad: string): Promise<string> {
  const key = await sealingKey(secret);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));

  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    key,
    encoder.encode(plaintext),
  );

  return [VERSION, base64url.encode(iv), base64url.encode(new Uint8Array(ciphertext))].join(".");
}

/** Opens a blob made by `seal` with the same secret and `aad`, or throws a `SealError`. */
export async function unseal(secret: string, sealed: string, aad: string): Promise<string> {
  const [version, iv, ciphertext, ...rest] = sealed.split(".");
  if (version !== VERSION || !iv || !ciphertext || rest.length > 0) {
    throw new SealError("Sealed value is not in the v1 format");
  }

  const key = await sealingKey(secret);

  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64url.decode(iv), additionalData: encoder.encode(aad) },
      key,
      base64url.decode(ciphertext),
    );
    return decoder.decode(plaintext);
  } catch {
    // GCM only says "no": the secret, the data or the AAD differ from when it was sealed.
    throw new SealError(
      "Cannot unseal: wrong KEY_ENCRYPTION_SECRET, or the sealed value was altered or moved",
    );
  }
}

function sealingKey(secret: string): Promise<CryptoKey> {
  let key = derivedKeys.get(secret);
  if (!key) {
    key = deriveSealingKey(secret);
    key.catch(() => derivedKeys.delete(secret));
    derivedKeys.set(secret, key);
  }
  return key;
}

// HKDF with its own `info` label, so the same secret can derive other keys (CSRF) independently.
async function deriveSealingKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", secretBytes(secret), "HKDF", false, [
    "deriveKey",
  ]);

  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(INFO) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}
