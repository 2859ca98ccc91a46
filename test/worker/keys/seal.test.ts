import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { SealError, seal, unseal } from "../../../src/keys/seal";

const secret = randomSecret();

function randomSecret(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}

describe("sealing private signing keys (AES-256-GCM under KEY_ENCRYPTION_SECRET)", () => {
  it("opens what it sealed, given the same secret and kid", async () => {
    const sealed = await seal(secret, '{"d":"private"}', "kid-1");

    expect(await unseal(secret, sealed, "kid-1")).toBe('{"d":"private"}');
  });

  it("writes a self-describing v1 string that does not contain the plaintext", async () => {
    const sealed = await seal(secret, '{"d":"private"}', "kid-1");

    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    expect(sealed).not.toContain("private");
  });

  it("uses a fresh IV each time, so sealing twice gives different strings", async () => {
    const first = await seal(secret, "same", "kid-1");
    const second = await seal(secret, "same", "kid-1");

    expect(first).not.toBe(second);
  });

  it("refuses to open with another secret", async () => {
    const sealed = await seal(secret, "plaintext", "kid-1");

    await expect(unseal(randomSecret(), sealed, "kid-1")).rejects.toThrow(SealError);
    await expect(unseal(randomSecret(), sealed, "kid-1")).rejects.toThrow(/KEY_ENCRYPTION_SECRET/);
  });

  it("refuses to open a tampered ciphertext", async () => {
    const [version, iv, ciphertext] = (await seal(secret, "plaintext", "kid-1")).split(".");
    const bytes = base64url.decode(ciphertext ?? "");
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const tampered = [version, iv, base64url.encode(bytes)].join(".");

    await expect(unseal(secret, tampered, "kid-1")).rejects.toThrow(SealError);
  });

  it("refuses to open a blob moved to another key (the kid is the AAD)", async () => {
    const sealed = await seal(secret, "plaintext", "kid-1");

    await expect(unseal(secret, sealed, "kid-2")).rejects.toThrow(SealError);
  });

  it("rejects a value that is not in the v1 format", async () => {
    await expect(unseal(secret, "v0.abc.def", "kid-1")).rejects.toThrow(/v1 format/);
    await expect(unseal(secret, "not sealed", "kid-1")).rejects.toThrow(SealError);
  });

  it("rejects a secret shorter than 32 bytes", async () => {
    const short = btoa("too short");

    await expect(seal(short, "plaintext", "kid-1")).rejects.toThrow(/at least 32 bytes/);
  });
});
