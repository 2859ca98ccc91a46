import { base64url } from "jose";
import { derivedKey } from "../crypto/derived-key";

/** Why a sealed blob could not be opened: never a partial or garbled plaintext. */
export class SealError extends Error {
  override name = "SealError";
}

const VERSION = "v1";
const INFO = "latchkey signing-key seal v1";
const IV_BYTES = 12;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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
  return derivedKey(secret, INFO, { name: "AES-GCM", length: 256 }, ["encrypt", "decrypt"]);
}
