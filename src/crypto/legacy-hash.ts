import { decodeBase64, encodeBase64 } from "./phc-base64";

/**
 * Password hashes made elsewhere (Keycloak, other providers) that Latchkey can check but never
 * makes: they are kept until the first successful sign-in, which replaces them with scrypt.
 */
export type LegacyHash =
  | {
      kind: "pbkdf2";
      digest: Pbkdf2Digest;
      iterations: number;
      salt: Uint8Array;
      key: Uint8Array;
    }
  | {
      kind: "argon2";
      type: Argon2Type;
      /** 0x10 or 0x13 (RFC 9106 is 0x13, Keycloak's "1.3"). */
      version: number;
      /** Memory in KiB, passes, lanes. */
      m: number;
      t: number;
      p: number;
      salt: Uint8Array;
      key: Uint8Array;
    }
  | { kind: "bcrypt"; text: string };

export type Pbkdf2Digest = "SHA-1" | "SHA-256" | "SHA-512";
export type Argon2Type = "id" | "i" | "d";

/**
 * Bounds on the cost of a legacy hash, so an import or a corrupt row can't hold the isolate for
 * minutes or exhaust its 128 MB.
 */
export const LEGACY_LIMITS = {
  pbkdf2Cap: 10_000_000,
  bcryptCost: 14,
  argon2MemoryKiB: 64 * 1024,
  argon2Passes: 10,
  argon2Lanes: 4,
} as const;

const PBKDF2_TAGS: Record<Pbkdf2Digest, string> = {
  "SHA-1": "pbkdf2",
  "SHA-256": "pbkdf2-sha256",
  "SHA-512": "pbkdf2-sha512",
};

const B64 = "[A-Za-z0-9+/]+";
const PBKDF2 = new RegExp(`^\\$(pbkdf2(?:-sha256|-sha512)?)\\$i=(\\d{1,9})\\$(${B64})\\$(${B64})$`);
const ARGON2 = new RegExp(
  `^\\$argon2(id|i|d)\\$v=(16|19)\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$(${B64})\\$(${B64})$`,
);
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** Why a hash's cost or sizes are out of bounds, or undefined when they are fine. */
export function legacyHashProblem(hash: LegacyHash): string | undefined {
  if (hash.kind === "bcrypt") {
    const cost = Number(hash.text.slice(4, 6));
    if (!BCRYPT.test(hash.text)) return 'is not a bcrypt hash ("$2a$", "$2b$" or "$2y$", 60 chars)';
    if (cost < 4 || cost > LEGACY_LIMITS.bcryptCost) {
      return `bcrypt cost ${cost} is outside 4..${LEGACY_LIMITS.bcryptCost}`;
    }
    return undefined;
  }
  if (hash.salt.byteLength === 0) return "the salt is missing";
  if (hash.salt.byteLength > 1024) return "the salt is longer than 1024 bytes";
  if (hash.key.byteLength < 16 || hash.key.byteLength > 128) {
    return "the hash must be 16 to 128 bytes";
  }
  if (hash.kind === "pbkdf2") {
    const max = LEGACY_LIMITS.pbkdf2Cap;
    if (!Number.isSafeInteger(hash.iterations) || hash.iterations < 1 || hash.iterations > max) {
      return `hashIterations must be 1 to ${max.toLocaleString("en")}`;
    }
    return undefined;
  }
  return argon2Problem(hash);
}

function argon2Problem(hash: Extract<LegacyHash, { kind: "argon2" }>): string | undefined {
  const { m, t, p, version } = hash;
  if (version !== 0x10 && version !== 0x13) return "argon2 version must be 1.0 or 1.3";
  if (!Number.isInteger(p) || p < 1 || p > LEGACY_LIMITS.argon2Lanes) {
    return `argon2 parallelism must be 1 to ${LEGACY_LIMITS.argon2Lanes}`;
  }
  if (!Number.isInteger(t) || t < 1 || t > LEGACY_LIMITS.argon2Passes) {
    return `argon2 iterations must be 1 to ${LEGACY_LIMITS.argon2Passes}`;
  }
  if (!Number.isInteger(m) || m < 8 * p || m > LEGACY_LIMITS.argon2MemoryKiB) {
    return `argon2 memory must be ${8 * p} to ${LEGACY_LIMITS.argon2MemoryKiB} KiB`;
  }
  if (hash.key.byteLength > 64) return "the argon2 hash must be 16 to 64 bytes";
  return undefined;
}

/** The stored form: PHC strings for PBKDF2 and Argon2, the modular crypt string for bcrypt. */
export function formatLegacyHash(hash: LegacyHash): string {
  if (hash.kind === "bcrypt") return hash.text;
  const salt = encodeBase64(hash.salt);
  const key = encodeBase64(hash.key);
  if (hash.kind === "pbkdf2") {
    return `$${PBKDF2_TAGS[hash.digest]}$i=${hash.iterations}$${salt}$${key}`;
  }
  const { type, version, m, t, p } = hash;
  return `$argon2${type}$v=${version}$m=${m},t=${t},p=${p}$${salt}$${key}`;
}

/** Reads a stored legacy hash; undefined when it is not one or its cost is out of bounds. */
export function parseLegacyHash(stored: string): LegacyHash | undefined {
  const hash = readFormat(stored);
  return hash && legacyHashProblem(hash) === undefined ? hash : undefined;
}

function readFormat(stored: string): LegacyHash | undefined {
  if (BCRYPT.test(stored)) return { kind: "bcrypt", text: stored };

  const pbkdf2 = PBKDF2.exec(stored);
  if (pbkdf2) {
    const [, tag, iterations, salt = "", key = ""] = pbkdf2;
    const digest = (Object.keys(PBKDF2_TAGS) as Pbkdf2Digest[]).find(
      (name) => PBKDF2_TAGS[name] === tag,
    );
    const saltBytes = decodeBase64(salt);
    const keyBytes = decodeBase64(key);
    if (!digest || !saltBytes || !keyBytes) return undefined;
    return {
      kind: "pbkdf2",
      digest,
      iterations: Number(iterations),
      salt: saltBytes,
      key: keyBytes,
    };
  }

  const argon2 = ARGON2.exec(stored);
  if (argon2) {
    const [, type, version, m, t, p, salt = "", key = ""] = argon2;
    const saltBytes = decodeBase64(salt);
    const keyBytes = decodeBase64(key);
    if (!saltBytes || !keyBytes) return undefined;
    return {
      kind: "argon2",
      type: type as Argon2Type,
      version: Number(version),
      m: Number(m),
      t: Number(t),
      p: Number(p),
      salt: saltBytes,
      key: keyBytes,
    };
  }
  return undefined;
}
