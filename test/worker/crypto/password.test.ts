import { describe, expect, it } from "vitest";
import {
  burnPasswordCheck,
  hashPassword,
  hashPasswordWithParams,
  MAX_PASSWORD_LENGTH,
  PASSWORD_HASH_PARAMS,
  verifyPassword,
} from "../../../src/crypto/password";

// Cheap parameters for tests that don't care about cost.
const cheap = { ln: 10, r: 8, p: 1 };

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
}

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

describe("password hashing with scrypt", () => {
  it("verifies the password a hash came from, in PHC form with today's parameters", async () => {
    const stored = await hashPassword("correct horse battery staple");

    expect(stored).toMatch(/^\$scrypt\$ln=14,r=8,p=5\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword("correct horse battery staple", stored)).toEqual({
      valid: true,
      needsRehash: false,
    });
  });

  it("rejects a wrong password", async () => {
    const stored = await hashPasswordWithParams("correct horse", cheap);

    expect(await verifyPassword("correct hors", stored)).toEqual({
      valid: false,
      needsRehash: false,
    });
  });

  it("rejects a hash whose key, salt or parameters were tampered with", async () => {
    const stored = await hashPasswordWithParams("secret", cheap);
    const parts = stored.split("$");
    const flip = (text: string) => (text[0] === "A" ? "B" : "A") + text.slice(1);

    const tamperedKey = [...parts.slice(0, 4), flip(parts[4] ?? "")].join("$");
    const tamperedSalt = [...parts.slice(0, 3), flip(parts[3] ?? ""), parts[4]].join("$");
    const tamperedCost = stored.replace("ln=10", "ln=11");

    for (const tampered of [tamperedKey, tamperedSalt, tamperedCost]) {
      expect(tampered).not.toBe(stored);
      expect((await verifyPassword("secret", tampered)).valid).toBe(false);
    }
  });

  it("treats malformed or foreign stored hashes as a failed check, without throwing", async () => {
    const good = await hashPasswordWithParams("secret", cheap);
    const [, , , salt, key] = good.split("$");
    const malformed = [
      "",
      "secret",
      "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
      `$pbkdf2-sha256$i=100000$${salt}$${key}`,
      `$scrypt$ln=10,r=8,p=1$${salt}`,
      `$scrypt$ln=10,r=8$${salt}$${key}`,
      `$scrypt$ln=0,r=8,p=1$${salt}$${key}`,
      `$scrypt$ln=40,r=8,p=1$${salt}$${key}`,
      `$scrypt$ln=10,r=99,p=1$${salt}$${key}`,
      `$scrypt$ln=10,r=8,p=1$${salt}==$${key}`,
      `$scrypt$ln=10,r=8,p=1$${salt}$${key}-`,
      `$scrypt$ln=10,r=8,p=1$${salt}$${key}A`,
      `${good} `,
    ];

    for (const stored of malformed) {
      expect(await verifyPassword("secret", stored), stored).toEqual({
        valid: false,
        needsRehash: false,
      });
    }
  });

  it("matches the RFC 7914 §12 test vector, so hashes carry over to other libraries", async () => {
    const salt = base64(new TextEncoder().encode("SodiumChloride"));
    const key = base64(
      hex(
        "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2" +
          "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887",
      ),
    );
    const stored = `$scrypt$ln=14,r=8,p=1$${salt}$${key}`;

    expect(await verifyPassword("pleaseletmein", stored)).toEqual({
      valid: true,
      needsRehash: true,
    });
  });

  it("treats composed and decomposed forms of the same password as equal (NFC)", async () => {
    const composed = "caf\u00e9 \u00c5ngstr\u00f6m";
    const decomposed = composed.normalize("NFD");
    expect(decomposed).not.toBe(composed);

    const fromComposed = await hashPasswordWithParams(composed, cheap);
    const fromDecomposed = await hashPasswordWithParams(decomposed, cheap);

    expect((await verifyPassword(decomposed, fromComposed)).valid).toBe(true);
    expect((await verifyPassword(composed, fromDecomposed)).valid).toBe(true);
  });

  it("asks for a rehash when a valid hash was made with weaker parameters", async () => {
    const weaker = await hashPasswordWithParams("secret", cheap);

    expect(await verifyPassword("secret", weaker)).toEqual({ valid: true, needsRehash: true });
    expect(await verifyPassword("wrong", weaker)).toEqual({ valid: false, needsRehash: false });
  });

  it("salts every hash differently", async () => {
    const first = await hashPasswordWithParams("same password", cheap);
    const second = await hashPasswordWithParams("same password", cheap);

    expect(first.split("$")[3]).not.toBe(second.split("$")[3]);
    expect(first).not.toBe(second);
    expect((await verifyPassword("same password", first)).valid).toBe(true);
    expect((await verifyPassword("same password", second)).valid).toBe(true);
  });

  it("refuses to hash a password over the length cap, and never verifies one", async () => {
    const longest = "x".repeat(MAX_PASSWORD_LENGTH);
    const tooLong = `${longest}x`;
    const stored = await hashPasswordWithParams(longest, cheap);

    expect((await verifyPassword(longest, stored)).valid).toBe(true);
    await expect(hashPassword(tooLong)).rejects.toThrow(RangeError);
    expect(await verifyPassword(tooLong, stored)).toEqual({ valid: false, needsRehash: false });
  });

  it("burns a password check without revealing anything", async () => {
    await expect(burnPasswordCheck("anything")).resolves.toBeUndefined();
  });

  it("reports the cost of one hash at today's parameters", async () => {
    const runs = 5;
    const stored = await hashPassword("warm-up");

    const started = performance.now();
    for (let i = 0; i < runs; i++) await hashPassword(`password ${i}`);
    const hashMs = (performance.now() - started) / runs;

    const verifyStarted = performance.now();
    for (let i = 0; i < runs; i++) await verifyPassword(`wrong ${i}`, stored);
    const verifyMs = (performance.now() - verifyStarted) / runs;

    const burnStarted = performance.now();
    for (let i = 0; i < runs; i++) await burnPasswordCheck(`unknown ${i}`);
    const burnMs = (performance.now() - burnStarted) / runs;

    const { ln, r, p } = PASSWORD_HASH_PARAMS;
    console.log(
      `scrypt ln=${ln} r=${r} p=${p}: hash ${hashMs.toFixed(0)} ms, ` +
        `verify ${verifyMs.toFixed(0)} ms, burn ${burnMs.toFixed(0)} ms (mean of ${runs})`,
    );
  });
});
