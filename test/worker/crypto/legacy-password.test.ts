import { pbkdf2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "../../../src/crypto/password";
import { encodeBase64 } from "../../../src/crypto/phc-base64";

const salt = new Uint8Array(16).fill(7);

/** A stored PBKDF2 hash made with node:crypto, not with the code under test. */
function pbkdf2Hash(password: string, tag: string, digest: string, iterations: number) {
  const key = pbkdf2Sync(password, salt, iterations, 32, digest);
  return `$${tag}$i=${iterations}$${encodeBase64(salt)}$${encodeBase64(key)}`;
}

describe("imported password hashes are checked exactly and never throw", () => {
  it("accepts the password and asks for a rehash to scrypt", async () => {
    const stored = pbkdf2Hash("old password", "pbkdf2-sha512", "sha512", 1000);

    expect(await verifyPassword("old password", stored)).toEqual({
      valid: true,
      needsRehash: true,
    });
  });

  it("refuses a wrong password and a password differing only in Unicode form", async () => {
    const composed = "caf\u00e9";
    const stored = pbkdf2Hash(composed, "pbkdf2", "sha1", 1000);

    expect(await verifyPassword("cafe", stored)).toEqual({ valid: false, needsRehash: false });
    // Keycloak hashed the characters as typed, so the decomposed form is another password.
    expect((await verifyPassword("cafe\u0301", stored)).valid).toBe(false);
    expect((await verifyPassword(composed, stored)).valid).toBe(true);
  });

  it("fails a stored PBKDF2 hash whose iteration count is past the cap", async () => {
    const stored = `$pbkdf2-sha256$i=999999999$${encodeBase64(salt)}$${encodeBase64(salt)}`;

    expect(await verifyPassword("anything", stored)).toEqual({ valid: false, needsRehash: false });
  });

  it("fails a stored Argon2 hash asking for more memory than an isolate can spare", async () => {
    const stored = `$argon2id$v=19$m=1048576,t=5,p=1$${encodeBase64(salt)}$${encodeBase64(salt)}`;

    expect(await verifyPassword("anything", stored)).toEqual({ valid: false, needsRehash: false });
  });

  it("fails a bcrypt string that is cut short and a format it doesn't know", async () => {
    expect((await verifyPassword("anything", "$2b$10$tooShort")).valid).toBe(false);
    expect((await verifyPassword("anything", "{SSHA}abcdef")).valid).toBe(false);
  });
});
