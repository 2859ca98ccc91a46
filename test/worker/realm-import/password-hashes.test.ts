import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { withUser } from "./fixtures";

const db = database(env.DB);
const at = "$.users[0].credentials[0]";

/** The message importRealm refuses a user's one credential with; the realm is not written. */
async function refusal(credential: Record<string, unknown>): Promise<string> {
  const file = withUser(`hash-${crypto.randomUUID().slice(0, 8)}`, { credentials: [credential] });
  const error = await importRealm(db, file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ImportError);
  expect(await findRealmByName(db, file.realm)).toBeUndefined();
  return (error as ImportError).message;
}

/** A Keycloak 12+ credential with the given secretData and credentialData objects. */
function keycloak(secret: Record<string, unknown>, data: Record<string, unknown>) {
  return {
    type: "password",
    secretData: JSON.stringify(secret),
    credentialData: JSON.stringify(data),
  };
}

const salt = "yKBbGuXHuEHL/mYF47ww3Q==";
const value = "FNrpVlq1OqJ8ATqPndK94Aj29e5wy9b/KWR/D8M8BGA=";

describe("realm import of hashed passwords names the JSON path of each bad credential", () => {
  it("accepts a Keycloak pbkdf2-sha256 credential", async () => {
    const name = `hash-ok-${crypto.randomUUID().slice(0, 8)}`;
    const credential = keycloak(
      { value, salt },
      { hashIterations: 27500, algorithm: "pbkdf2-sha256" },
    );

    await importRealm(db, withUser(name, { credentials: [credential] }));

    expect(await findRealmByName(db, name)).toBeDefined();
  });

  it("refuses secretData that is not JSON", async () => {
    const credential = { type: "password", secretData: "{value:", credentialData: "{}" };

    expect(await refusal(credential)).toBe(`${at}.secretData: is not a JSON object`);
  });

  it("refuses credentialData that is not a JSON string", async () => {
    const credential = { type: "password", secretData: "{}", credentialData: { algorithm: "x" } };

    expect(await refusal(credential)).toBe(`${at}.credentialData: must be a JSON string`);
  });

  it("refuses an algorithm it cannot check", async () => {
    const credential = keycloak({ value, salt }, { hashIterations: 1, algorithm: "md5" });

    expect(await refusal(credential)).toBe(
      `${at}.credentialData: "md5" is not supported; ` +
        "use argon2, bcrypt, pbkdf2, pbkdf2-sha256, pbkdf2-sha512 or scrypt",
    );
  });

  it("refuses a Latchkey scrypt hash without its cost parameters", async () => {
    const credential = keycloak({ value, salt }, { hashIterations: 1, algorithm: "scrypt" });

    expect(await refusal(credential)).toBe(
      `${at}.secretData: is not a scrypt hash Latchkey can check (ln, r, p, salt and value)`,
    );
  });

  it("refuses a PBKDF2 hash without a salt", async () => {
    const credential = keycloak({ value }, { hashIterations: 27500, algorithm: "pbkdf2" });

    expect(await refusal(credential)).toBe(`${at}.secretData: the salt is missing`);
  });

  it("refuses a pre-12 credential without a salt at the field's own path", async () => {
    const credential = {
      type: "password",
      hashedSaltedValue: value,
      hashIterations: 27500,
      algorithm: "pbkdf2-sha256",
    };

    expect(await refusal(credential)).toBe(`${at}.salt: the salt is missing`);
  });

  it("refuses an absurd iteration count", async () => {
    const data = { hashIterations: 20_000_000, algorithm: "pbkdf2-sha512" };

    expect(await refusal(keycloak({ value, salt }, data))).toBe(
      `${at}.credentialData: hashIterations must be a whole number from 1 to 10,000,000`,
    );
  });

  it("refuses a bcrypt cost too high to check at sign-in", async () => {
    const text = `$2b$20$${"a".repeat(53)}`;
    const credential = keycloak({ value: text }, { hashIterations: 20, algorithm: "bcrypt" });

    expect(await refusal(credential)).toBe(`${at}.secretData: bcrypt cost 20 is outside 4..14`);
  });

  it("refuses Argon2 memory beyond what an isolate can spare", async () => {
    const parameters = { memory: ["1048576"], type: ["id"], version: ["1.3"] };
    const data = { hashIterations: 5, algorithm: "argon2", additionalParameters: parameters };

    expect(await refusal(keycloak({ value, salt }, data))).toBe(
      `${at}.credentialData: argon2 memory must be 8 to 65536 KiB`,
    );
  });

  it("refuses an Argon2 hashLength that does not match the stored hash", async () => {
    const parameters = { hashLength: ["64"], memory: ["7168"], type: ["id"], version: ["1.3"] };
    const data = { hashIterations: 5, algorithm: "argon2", additionalParameters: parameters };

    expect(await refusal(keycloak({ value, salt }, data))).toBe(
      `${at}.credentialData: hashLength 64 does not match the stored hash`,
    );
  });

  it("refuses a temporary hashed password, as with plain-text ones", async () => {
    const data = { hashIterations: 27500, algorithm: "pbkdf2-sha256" };
    const credential = { ...keycloak({ value, salt }, data), temporary: true };

    expect(await refusal(credential)).toBe(
      `${at}.temporary: temporary passwords cannot be imported yet (no required actions so far)`,
    );
  });

  it("refuses a password credential with neither a value nor a hash", async () => {
    expect(await refusal({ type: "password" })).toBe(
      `${at}.value: a password credential needs a value or a hash`,
    );
  });
});
