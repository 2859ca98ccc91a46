import {
  type Argon2Type,
  formatLegacyHash,
  LEGACY_LIMITS,
  type LegacyHash,
  legacyHashProblem,
  type Pbkdf2Digest,
} from "../crypto/legacy-hash";
import { formatScryptHash, readScryptHash } from "../crypto/password";
import { decodeBase64 } from "../crypto/phc-base64";

/** The hash fields of a Keycloak CredentialRepresentation, current and pre-12 layouts. */
export interface HashedCredential {
  secretData?: unknown;
  credentialData?: unknown;
  hashedSaltedValue?: unknown;
  salt?: unknown;
  hashIterations?: unknown;
  algorithm?: unknown;
}

/** A reason a hashed credential is refused, at a path relative to the credential. */
export interface HashIssue {
  path: string[];
  message: string;
}

const PBKDF2: Record<string, Pbkdf2Digest> = {
  pbkdf2: "SHA-1",
  "pbkdf2-sha256": "SHA-256",
  "pbkdf2-sha512": "SHA-512",
};
const SUPPORTED = "argon2, bcrypt, pbkdf2, pbkdf2-sha256, pbkdf2-sha512 or scrypt";

// Keycloak's Argon2 defaults, for exports that leave a parameter out.
const ARGON2_DEFAULTS = { type: "id", version: "1.3", memory: "7168", parallelism: "1" };

interface Fields {
  value: unknown;
  salt: unknown;
  iterations: unknown;
  algorithm: unknown;
  parameters: Record<string, unknown>;
  /** Where each field came from, for messages. */
  at: { value: string[]; salt: string[]; iterations: string[]; algorithm: string[] };
}

/**
 * The stored form (see crypto/legacy-hash) of a hashed password credential as Keycloak exports
 * it, or the issues that keep it out.
 */
export function importedPasswordHash(credential: HashedCredential): string | HashIssue[] {
  const fields = readFields(credential);
  if (!Array.isArray(fields)) {
    const hash = toLegacyHash(fields);
    if (Array.isArray(hash) || typeof hash === "string") return hash;
    const problem = legacyHashProblem(hash);
    if (problem === undefined) return formatLegacyHash(hash);
    return [
      { path: hash.kind === "argon2" ? ["credentialData"] : fields.at.value, message: problem },
    ];
  }
  return fields;
}

function readFields(credential: HashedCredential): Fields | HashIssue[] {
  if (credential.secretData === undefined && credential.credentialData === undefined) {
    return {
      value: credential.hashedSaltedValue,
      salt: credential.salt,
      iterations: credential.hashIterations,
      algorithm: credential.algorithm,
      parameters: {},
      at: {
        value: ["hashedSaltedValue"],
        salt: ["salt"],
        iterations: ["hashIterations"],
        algorithm: ["algorithm"],
      },
    };
  }
  const secret = jsonObject(credential.secretData, "secretData");
  const data = jsonObject(credential.credentialData, "credentialData");
  if (!secret.ok || !data.ok) {
    return [secret, data].flatMap((entry) => (entry.ok ? [] : [entry.issue]));
  }
  const s = secret.object;
  const d = data.object;
  return {
    value: s.value,
    salt: s.salt,
    iterations: d.hashIterations,
    algorithm: d.algorithm,
    parameters: isObject(d.additionalParameters) ? d.additionalParameters : {},
    at: {
      value: ["secretData"],
      salt: ["secretData"],
      iterations: ["credentialData"],
      algorithm: ["credentialData"],
    },
  };
}

function toLegacyHash(fields: Fields): LegacyHash | string | HashIssue[] {
  const { algorithm, at } = fields;
  if (typeof algorithm !== "string") {
    return [{ path: at.algorithm, message: `the algorithm is missing; use ${SUPPORTED}` }];
  }
  if (typeof fields.value !== "string" || fields.value === "") {
    return [{ path: at.value, message: "the hashed value is missing" }];
  }
  if (algorithm === "bcrypt") return { kind: "bcrypt", text: fields.value };
  if (algorithm === "scrypt") return scryptHash(fields);

  const digest = PBKDF2[algorithm];
  if (!digest && algorithm !== "argon2") {
    return [{ path: at.algorithm, message: `"${algorithm}" is not supported; use ${SUPPORTED}` }];
  }
  const key = decodeBase64(fields.value);
  if (!key) return [{ path: at.value, message: "the hashed value is not base64" }];
  if (typeof fields.salt !== "string" || fields.salt === "") {
    return [{ path: at.salt, message: "the salt is missing" }];
  }
  const salt = decodeBase64(fields.salt);
  if (!salt) return [{ path: at.salt, message: "the salt is not base64" }];

  const iterations = Number(fields.iterations);
  const max = digest ? LEGACY_LIMITS.pbkdf2Cap : LEGACY_LIMITS.argon2Passes;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > max) {
    const message = `hashIterations must be a whole number from 1 to ${max.toLocaleString("en")}`;
    return [{ path: at.iterations, message }];
  }
  if (digest) return { kind: "pbkdf2", digest, iterations, salt, key };
  return argon2Hash(fields.parameters, iterations, salt, key, at.iterations);
}

function argon2Hash(
  parameters: Record<string, unknown>,
  t: number,
  salt: Uint8Array,
  key: Uint8Array,
  path: string[],
): LegacyHash | HashIssue[] {
  const param = (name: keyof typeof ARGON2_DEFAULTS) =>
    single(parameters[name]) ?? ARGON2_DEFAULTS[name];
  const type = param("type");
  const version = { "1.0": 0x10, "1.3": 0x13 }[param("version")];
  if (type !== "id" && type !== "i" && type !== "d") {
    return [{ path, message: `argon2 type "${type}" is not id, i or d` }];
  }
  if (version === undefined) return [{ path, message: "argon2 version must be 1.0 or 1.3" }];
  const m = Number(param("memory"));
  const p = Number(param("parallelism"));
  const hashLength = single(parameters.hashLength);
  if (hashLength !== undefined && Number(hashLength) !== key.byteLength) {
    return [{ path, message: `hashLength ${hashLength} does not match the stored hash` }];
  }
  return { kind: "argon2", type: type as Argon2Type, version, m, t, p, salt, key };
}

/**
 * Latchkey's own scrypt hashes, as its export writes them: N = 2^ln, r and p as additional
 * parameters. Kept as they are, in Latchkey's stored form, when their cost is in bounds.
 */
function scryptHash(fields: Fields): string | HashIssue[] {
  const number = (name: string) => Number(single(fields.parameters[name]));
  const params = { ln: number("ln"), r: number("r"), p: number("p") };
  const key = decodeBase64(String(fields.value));
  const salt = typeof fields.salt === "string" ? decodeBase64(fields.salt) : undefined;
  const stored =
    key && salt && Object.values(params).every(Number.isSafeInteger)
      ? formatScryptHash(params, salt, key)
      : "";
  if (readScryptHash(stored)) return stored;
  const message = "is not a scrypt hash Latchkey can check (ln, r, p, salt and value)";
  return [{ path: fields.at.value, message }];
}

/** Keycloak writes additionalParameters as a multivalued map: {"memory": ["7168"]}. */
function single(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === "string" || typeof first === "number") return String(first);
  return undefined;
}

type JsonObject = { ok: true; object: Record<string, unknown> } | { ok: false; issue: HashIssue };

/** Keycloak 12+ writes secretData and credentialData as JSON objects inside strings. */
function jsonObject(text: unknown, field: string): JsonObject {
  if (typeof text !== "string") {
    return { ok: false, issue: { path: [field], message: "must be a JSON string" } };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return { ok: true, object: parsed };
  } catch {
    // reported below
  }
  return { ok: false, issue: { path: [field], message: "is not a JSON object" } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
