import { argon2dAsync, argon2iAsync, argon2idAsync } from "@noble/hashes/argon2.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { pbkdf2Async } from "@noble/hashes/pbkdf2.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import bcrypt from "bcryptjs";
import { type LegacyHash, type Pbkdf2Digest, parseLegacyHash } from "./legacy-hash";

// TODO(legacy-pbkdf2-speed): pure-JS PBKDF2-SHA-512 at Keycloak's default 210,000 iterations
// costs about 3 s of CPU (measured in Node; not yet on a deployed Worker), once per imported
// user. It risks CPU-limit errors on first sign-in; measuring on a deployed Worker, or offering
// an admin-triggered reset for such users, would close it.
/** Production Workers refuse WebCrypto PBKDF2 above this many iterations. */
const WEBCRYPTO_PBKDF2_MAX = 100_000;

const NOBLE_DIGESTS = { "SHA-1": sha1, "SHA-256": sha256, "SHA-512": sha512 } as const;
const ARGON2 = { id: argon2idAsync, i: argon2iAsync, d: argon2dAsync } as const;

// TODO(legacy-hash-timing): a wrong password against an imported Argon2 or high-count PBKDF2
// hash takes longer than scrypt, so until its first sign-in an imported account is told apart
// from an unknown one by time. Closing it: burn the same legacy cost for unknown logins of a
// realm that still holds legacy hashes, or pad failures to a fixed duration.
/**
 * Checks a password against an imported PBKDF2, Argon2 or bcrypt hash. Undefined when the stored
 * text is none of these; bad parameters are a failed check, never a throw.
 */
export async function verifyLegacyPassword(
  password: string,
  stored: string,
): Promise<boolean | undefined> {
  const hash = parseLegacyHash(stored);
  if (!hash) return undefined;
  try {
    const [expected, actual] = await recompute(password, hash);
    return (
      expected.byteLength === actual.byteLength && crypto.subtle.timingSafeEqual(expected, actual)
    );
  } catch {
    return false;
  }
}

/** The stored bytes and the same computation for this password. */
async function recompute(password: string, hash: LegacyHash): Promise<[Uint8Array, Uint8Array]> {
  // Keycloak hashes the UTF-8 of the password as typed, without normalization.
  const utf8 = new TextEncoder().encode(password);
  if (hash.kind === "bcrypt") {
    // bcrypt recomputes the whole string from its first 29 characters (version, cost, salt).
    const again = await bcrypt.hash(password, hash.text.slice(0, 29));
    return [new TextEncoder().encode(hash.text), new TextEncoder().encode(again)];
  }
  if (hash.kind === "pbkdf2") {
    const { digest, iterations, salt, key } = hash;
    return [key, await pbkdf2(digest, utf8, salt, iterations, key.byteLength)];
  }
  const { type, version, m, t, p, salt, key } = hash;
  const derived = await ARGON2[type](utf8, salt, { m, t, p, version, dkLen: key.byteLength });
  return [key, derived];
}

async function pbkdf2(
  digest: Pbkdf2Digest,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  bytes: number,
): Promise<Uint8Array> {
  if (iterations > WEBCRYPTO_PBKDF2_MAX) {
    return pbkdf2Async(NOBLE_DIGESTS[digest], password, salt, { c: iterations, dkLen: bytes });
  }
  const key = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const params = { name: "PBKDF2", hash: digest, salt, iterations };
  return new Uint8Array(await crypto.subtle.deriveBits(params, key, bytes * 8));
}
