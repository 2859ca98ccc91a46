/**
 * Keycloak-shaped password credentials, hashed by implementations other than the ones
 * Latchkey verifies with (Node's OpenSSL PBKDF2, hash-wasm's Argon2 and bcrypt), as an export
 * from Keycloak or another provider carries them.
 */
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { argon2id, bcrypt } from "hash-wasm";

export type KeycloakCredential = Record<string, unknown> & { type: "password" };

const DIGEST: Record<string, string> = {
  pbkdf2: "sha1",
  "pbkdf2-sha256": "sha256",
  "pbkdf2-sha512": "sha512",
};

/** Keycloak 12+: `secretData` and `credentialData` as JSON strings. */
export function keycloakPbkdf2(password: string, algorithm: string, iterations: number) {
  const digest = DIGEST[algorithm] ?? "sha256";
  const salt = randomBytes(16);
  const bytes = digest === "sha256" ? 32 : 64;
  const value = pbkdf2Sync(password, salt, iterations, bytes, digest);
  return {
    type: "password",
    secretData: JSON.stringify({
      value: value.toString("base64"),
      salt: salt.toString("base64"),
      additionalParameters: {},
    }),
    credentialData: JSON.stringify({
      hashIterations: iterations,
      algorithm,
      additionalParameters: {},
    }),
  } satisfies KeycloakCredential;
}

/** Keycloak before version 12 put the hash fields on the credential itself. */
export function olderKeycloakPbkdf2(password: string) {
  const salt = randomBytes(16);
  const value = pbkdf2Sync(password, salt, 20000, 64, "sha256");
  return {
    type: "password",
    hashedSaltedValue: value.toString("base64"),
    salt: salt.toString("base64"),
    hashIterations: 20000,
    algorithm: "pbkdf2-sha256",
  } satisfies KeycloakCredential;
}

/** Keycloak's argon2 provider with its defaults: id, 1.3, 7168 KiB, 5 iterations, 32 bytes. */
export async function keycloakArgon2(password: string) {
  const salt = randomBytes(16);
  const hex = await argon2id({
    password,
    salt,
    iterations: 5,
    memorySize: 7168,
    parallelism: 1,
    hashLength: 32,
    outputType: "hex",
  });
  const parameters = {
    hashLength: ["32"],
    memory: ["7168"],
    type: ["id"],
    version: ["1.3"],
    parallelism: ["1"],
  };
  return {
    type: "password",
    secretData: JSON.stringify({
      value: Buffer.from(hex, "hex").toString("base64"),
      salt: salt.toString("base64"),
      additionalParameters: {},
    }),
    credentialData: JSON.stringify({
      hashIterations: 5,
      algorithm: "argon2",
      additionalParameters: parameters,
    }),
  } satisfies KeycloakCredential;
}

/** As Keycloak bcrypt extensions store it: the whole modular crypt string as the value. */
export async function keycloakBcrypt(password: string, cost: number, prefix: "$2b$" | "$2y$") {
  const text = await bcrypt({ password, salt: randomBytes(16), costFactor: cost });
  return {
    type: "password",
    secretData: JSON.stringify({ value: prefix + text.slice(4), salt: "" }),
    credentialData: JSON.stringify({ hashIterations: cost, algorithm: "bcrypt" }),
  } satisfies KeycloakCredential;
}
