import { base64url } from "jose";
import { derivedKey } from "../../crypto/derived-key";

/**
 * RFC 8628 §6.1: a case-insensitive alphabet without vowels (no words) and without look-alike
 * characters. 20 letters, 8 of them: 20^8 ≈ 2^34.5 codes, enough with rate limiting (§5.1).
 */
const ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const LENGTH = 8;

/** The largest multiple of the alphabet's size below 256: bytes above it would bias the draw. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/** A new user code in Keycloak's shape, `WDJB-MJHT`, and its letters as stored. */
export function generateUserCode(): { userCode: string; normalized: string } {
  let code = "";
  while (code.length < LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(LENGTH * 2))) {
      if (byte < UNBIASED_LIMIT && code.length < LENGTH) code += ALPHABET[byte % ALPHABET.length];
    }
  }
  return { userCode: `${code.slice(0, 4)}-${code.slice(4)}`, normalized: code };
}

/**
 * The code as typed, reduced to its letters: RFC 8628 §6.1 lets people type it in lower case
 * and with or without the dash or spaces. Anything that cannot be a code is undefined.
 */
export function normalizeUserCode(typed: string): string | undefined {
  if (typed.length > 32) return undefined;
  const letters = typed.toUpperCase().replace(/[\s-]/g, "");
  if (letters.length !== LENGTH) return undefined;
  return [...letters].every((letter) => ALPHABET.includes(letter)) ? letters : undefined;
}

/** HMAC key for user codes, derived from the deployment secret with its own label. */
function userCodeKey(secret: string): Promise<CryptoKey> {
  const hmac = { name: "HMAC", hash: "SHA-256" } as const;
  return derivedKey(secret, "latchkey user code v1", hmac, ["sign"]);
}

/**
 * How a normalized user code is stored: keyed, because 2^34.5 codes are few enough that a
 * leaked table of bare SHA-256 digests would give them up within minutes.
 */
export async function userCodeHash(secret: string, normalized: string): Promise<string> {
  const key = await userCodeKey(secret);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(normalized));
  return base64url.encode(new Uint8Array(mac));
}
