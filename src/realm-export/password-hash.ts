import { parseLegacyHash } from "../crypto/legacy-hash";
import { readScryptHash } from "../crypto/password";

/** Standard base64 with padding, as Keycloak writes salts and hashes. */
function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

interface HashFields {
  value: string;
  salt?: string;
  algorithm: string;
  hashIterations: number;
  additionalParameters: Record<string, string[]>;
}

/**
 * A stored password hash as Keycloak's CredentialRepresentation writes it (Keycloak 12+:
 * `secretData` and `credentialData` as JSON strings). Latchkey's own scrypt hashes use the
 * algorithm "scrypt", with N, r and p as additional parameters; our import reads them back.
 */
export function passwordCredential(stored: string, createdAt: number) {
  const fields = hashFields(stored);
  if (!fields) return undefined;
  const { value, salt, algorithm, hashIterations, additionalParameters } = fields;
  return {
    type: "password",
    createdDate: createdAt * 1000,
    secretData: JSON.stringify({ value, salt, additionalParameters: {} }),
    credentialData: JSON.stringify({ hashIterations, algorithm, additionalParameters }),
  };
}

function hashFields(stored: string): HashFields | undefined {
  const scrypt = readScryptHash(stored);
  if (scrypt) {
    const { ln, r, p } = scrypt.params;
    return {
      value: base64(scrypt.key),
      salt: base64(scrypt.salt),
      algorithm: "scrypt",
      hashIterations: 1,
      additionalParameters: { ln: [String(ln)], r: [String(r)], p: [String(p)] },
    };
  }
  const legacy = parseLegacyHash(stored);
  if (!legacy) return undefined;
  if (legacy.kind === "bcrypt") {
    return { value: legacy.text, algorithm: "bcrypt", hashIterations: 0, additionalParameters: {} };
  }
  const common = { value: base64(legacy.key), salt: base64(legacy.salt) };
  if (legacy.kind === "pbkdf2") {
    const algorithm = { "SHA-1": "pbkdf2", "SHA-256": "pbkdf2-sha256", "SHA-512": "pbkdf2-sha512" };
    return {
      ...common,
      algorithm: algorithm[legacy.digest],
      hashIterations: legacy.iterations,
      additionalParameters: {},
    };
  }
  return {
    ...common,
    algorithm: "argon2",
    hashIterations: legacy.t,
    additionalParameters: {
      type: [legacy.type],
      version: [legacy.version === 0x10 ? "1.0" : "1.3"],
      memory: [String(legacy.m)],
      parallelism: [String(legacy.p)],
      hashLength: [String(legacy.key.byteLength)],
    },
  };
}
