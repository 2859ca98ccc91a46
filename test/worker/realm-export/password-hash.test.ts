import { describe, expect, it } from "vitest";
import { formatLegacyHash } from "../../../src/crypto/legacy-hash";
import { hashPasswordWithParams } from "../../../src/crypto/password";
import { passwordCredential } from "../../../src/realm-export/password-hash";
import { importedPasswordHash } from "../../../src/realm-import/password-credential";

const salt = new Uint8Array(16).fill(7);
const key = new Uint8Array(32).fill(9);

/** What our import makes of the credential our export writes for a stored hash. */
function reimported(stored: string) {
  const credential = passwordCredential(stored, 1_700_000_000);
  if (!credential) throw new Error("not exported");
  return importedPasswordHash(credential);
}

describe("exported password hashes (Keycloak's CredentialRepresentation)", () => {
  it("carry a scrypt hash that our import stores unchanged", async () => {
    const stored = await hashPasswordWithParams("a password", { ln: 4, r: 8, p: 1 });

    expect(reimported(stored)).toBe(stored);
    const credential = passwordCredential(stored, 1_700_000_000);
    expect(JSON.parse(credential?.credentialData ?? "")).toMatchObject({
      algorithm: "scrypt",
      additionalParameters: { ln: ["4"], r: ["8"], p: ["1"] },
    });
  });

  it("carry imported PBKDF2, Argon2 and bcrypt hashes not yet replaced, unchanged", () => {
    const pbkdf2 = formatLegacyHash({
      kind: "pbkdf2",
      digest: "SHA-512",
      iterations: 210_000,
      salt,
      key,
    });
    const argon2 = formatLegacyHash({
      kind: "argon2",
      type: "id",
      version: 0x13,
      m: 7168,
      t: 5,
      p: 1,
      salt,
      key,
    });
    const bcrypt = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";

    expect(reimported(pbkdf2)).toBe(pbkdf2);
    expect(reimported(argon2)).toBe(argon2);
    expect(reimported(bcrypt)).toBe(bcrypt);
  });

  it("leave out a stored value that is no hash Latchkey knows", () => {
    expect(passwordCredential("not a hash", 1_700_000_000)).toBeUndefined();
  });
});
