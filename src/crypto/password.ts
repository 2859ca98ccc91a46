import { scrypt } from "node:crypto";
import { verifyLegacyPassword } from "./legacy-password";
import { decodeBase64 as decode, encodeBase64 as encode } from "./phc-base64";

/** The cost of a scrypt hash: N = 2^ln, block size r, parallelism p. */
export interface ScryptParams {
  ln: number;
  r: number;
  p: number;
}

/**
 * The parameters new hashes get: OWASP's minimum for scrypt (N = 2^14, 16 MiB, r = 8, p = 5),
 * with a 16-byte random salt and a 32-byte key. Workers refuse PBKDF2 above 100,000 iterations
 * and run-time WebAssembly, so scrypt from `node:crypto` is the strongest hash available.
 */
export const PASSWORD_HASH_PARAMS: Readonly<ScryptParams> = { ln: 14, r: 8, p: 5 };

/** Longer passwords are refused before any hashing, so a huge body can't buy CPU time. */
export const MAX_PASSWORD_LENGTH = 1024;

/** The shortest password a person or an administrator may set. */
export const PASSWORD_MIN_LENGTH = 8;

const SALT_BYTES = 16;
const KEY_BYTES = 32;

// Bounds for parameters read back from storage, so a corrupt row can't exhaust the isolate's
// 128 MB or hold it for seconds.
const MAX_MEMORY = 64 * 1024 * 1024;
const MAX_P = 16;

const PHC =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{22,})$/;

export interface StoredHash {
  params: ScryptParams;
  salt: Uint8Array;
  key: Uint8Array;
}

/** Hashes a password into a self-describing PHC string with the current parameters. */
export async function hashPassword(password: string): Promise<string> {
  return hashPasswordWithParams(password, PASSWORD_HASH_PARAMS);
}

/** Hashes a password with the given parameters; tests use it to make cheaper, older hashes. */
export async function hashPasswordWithParams(
  password: string,
  params: ScryptParams,
): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) throw new RangeError("password too long");
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));

  const key = await derive(password, salt, params, KEY_BYTES);

  return format(params, salt, key);
}

/**
 * Checks a password against a stored hash. Bad stored data is a failed check, never a throw;
 * `needsRehash` says a valid hash was made with weaker parameters than today's.
 */
export async function verifyPassword(
  password: string,
  stored: string,
): Promise<{ valid: boolean; needsRehash: boolean }> {
  const invalid = { valid: false, needsRehash: false };
  if (password.length > MAX_PASSWORD_LENGTH) return invalid;
  const hash = parse(stored);
  if (!hash) {
    // An imported hash is checked once more, then replaced by scrypt (the caller rehashes).
    const legacy = await verifyLegacyPassword(password, stored);
    return legacy ? { valid: true, needsRehash: true } : invalid;
  }

  let key: Uint8Array;
  try {
    key = await derive(password, hash.salt, hash.params, hash.key.byteLength);
  } catch {
    return invalid;
  }

  if (!crypto.subtle.timingSafeEqual(key, hash.key)) return invalid;
  return { valid: true, needsRehash: isWeaker(hash) };
}

// Same parameters as a real hash, so checking against it costs the same time.
const DUMMY_HASH = format(
  PASSWORD_HASH_PARAMS,
  new Uint8Array(SALT_BYTES),
  new Uint8Array(KEY_BYTES),
);

/**
 * Spends the time of one password check, for unknown or locked accounts, so sign-in takes
 * as long as with a wrong password and timing doesn't tell which accounts exist.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  await verifyPassword(password, DUMMY_HASH);
}

/** The parts of a stored scrypt hash, or undefined when it is not one Latchkey would check. */
export function readScryptHash(stored: string): StoredHash | undefined {
  return parse(stored);
}

/** The stored form of scrypt parameters, salt and key (a PHC string). */
export function formatScryptHash(params: ScryptParams, salt: Uint8Array, key: Uint8Array) {
  return format(params, salt, key);
}

function derive(
  password: string,
  salt: Uint8Array,
  { ln, r, p }: ScryptParams,
  keyBytes: number,
): Promise<Uint8Array> {
  // NFC, so a password typed as composed characters on one device and decomposed on another
  // (macOS vs. Windows keyboards, copy-paste) hashes the same.
  const normalized = password.normalize("NFC");
  // Node's default cap of 32 MiB would refuse hashes stronger than today's; allow their size.
  const maxmem = memoryOf({ ln, r, p }) + 1024 * 1024;

  return new Promise((resolve, reject) => {
    scrypt(normalized, salt, keyBytes, { N: 2 ** ln, r, p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
    });
  });
}

/** What scrypt allocates: 128·r bytes for each of the N + p + 2 blocks it keeps. */
function memoryOf({ ln, r, p }: ScryptParams): number {
  return 128 * r * (2 ** ln + p + 2);
}

function format({ ln, r, p }: ScryptParams, salt: Uint8Array, key: Uint8Array): string {
  return `$scrypt$ln=${ln},r=${r},p=${p}$${encode(salt)}$${encode(key)}`;
}

function parse(stored: string): StoredHash | undefined {
  const match = PHC.exec(stored);
  if (!match) return undefined;
  const [, ln, r, p, salt = "", key = ""] = match;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };

  if (params.ln < 1 || params.r < 1 || params.p < 1 || params.p > MAX_P) return undefined;
  if (memoryOf(params) > MAX_MEMORY) return undefined;

  const saltBytes = decode(salt);
  const keyBytes = decode(key);
  if (!saltBytes || !keyBytes || keyBytes.byteLength > 64) return undefined;
  return { params, salt: saltBytes, key: keyBytes };
}

function isWeaker({ params, key }: StoredHash): boolean {
  const current = PASSWORD_HASH_PARAMS;
  if (params.ln < current.ln || params.r < current.r || params.p < current.p) return true;
  return key.byteLength < KEY_BYTES;
}
