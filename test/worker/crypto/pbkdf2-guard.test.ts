/// <reference types="vite/client" />
import { pbkdf2Sync } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../../../src/crypto/password";
import { encodeBase64 } from "../../../src/crypto/phc-base64";

// Production Workers refuse WebCrypto PBKDF2 above this; local workerd doesn't, so only a test
// can catch it before deploy.
const PRODUCTION_LIMIT = 100_000;

/** Records the iteration count of every PBKDF2 derivation while it is installed. */
function watchPbkdf2(): number[] {
  const seen: number[] = [];
  const record = (algorithm: unknown) => {
    const params = algorithm as { name?: string; iterations?: number };
    if (params.name?.toUpperCase() === "PBKDF2") seen.push(params.iterations ?? 0);
  };
  vi.spyOn(crypto.subtle, "deriveBits").mockImplementation(function (this: SubtleCrypto, ...args) {
    record(args[0]);
    return SubtleCrypto.prototype.deriveBits.apply(this, args);
  });
  vi.spyOn(crypto.subtle, "deriveKey").mockImplementation(function (this: SubtleCrypto, ...args) {
    record(args[0]);
    return SubtleCrypto.prototype.deriveKey.apply(this, args);
  });
  return seen;
}

async function pbkdf2(iterations: number): Promise<void> {
  const base = await crypto.subtle.importKey("raw", new Uint8Array(16), "PBKDF2", false, [
    "deriveBits",
  ]);
  const params = { name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(16), iterations };
  await crypto.subtle.deriveBits(params, base, 256);
}

// Vite inlines every source file as text, so the scan needs no file system in workerd.
const sources = import.meta.glob<string>("/src/**/*.{ts,tsx}", {
  query: "?raw",
  import: "default",
  eager: true,
});

/** Iteration counts above the limit, written as literals in files that mention PBKDF2. */
function writtenOverLimit(files: Record<string, string>): string[] {
  return Object.entries(files).flatMap(([path, text]) => {
    if (!/pbkdf2/i.test(text)) return [];
    const counts = text.matchAll(/iterations?\w*["']?\s*[:=]\s*([\d_]+(?:e\d+)?)/gi);
    return [...counts]
      .map((match) => Number((match[1] ?? "").replaceAll("_", "")))
      .filter((iterations) => iterations > PRODUCTION_LIMIT)
      .map((iterations) => `${path}: ${iterations}`);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("PBKDF2 stays within what production Workers accept", () => {
  it("sees no PBKDF2 above 100,000 iterations while hashing and verifying passwords", async () => {
    const seen = watchPbkdf2();

    const stored = await hashPassword("guarded password");
    await verifyPassword("guarded password", stored);
    await verifyPassword("wrong password", stored);
    await burnPasswordCheck("unknown account");

    expect(seen.filter((iterations) => iterations > PRODUCTION_LIMIT)).toEqual([]);
  });

  it("checks an imported hash above 100,000 iterations without WebCrypto's PBKDF2", async () => {
    const salt = new Uint8Array(16);
    // node:crypto, not the code under test, makes the hash.
    const key = pbkdf2Sync("imported password", salt, 100_001, 32, "sha256");
    const imported = `$pbkdf2-sha256$i=100001$${encodeBase64(salt)}$${encodeBase64(key)}`;
    const seen = watchPbkdf2();

    const result = await verifyPassword("imported password", imported);

    expect(result).toEqual({ valid: true, needsRehash: true });
    expect(seen.filter((iterations) => iterations > PRODUCTION_LIMIT)).toEqual([]);
  }, 30_000);

  it("would catch a PBKDF2 derivation at 100,001 iterations", async () => {
    const seen = watchPbkdf2();

    await pbkdf2(PRODUCTION_LIMIT);
    await pbkdf2(PRODUCTION_LIMIT + 1);

    expect(seen).toEqual([PRODUCTION_LIMIT, PRODUCTION_LIMIT + 1]);
    expect(seen.filter((iterations) => iterations > PRODUCTION_LIMIT)).toEqual([100_001]);
  });

  it("finds no iteration count above 100,000 written in a source file that uses PBKDF2", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(0);

    expect(writtenOverLimit(sources)).toEqual([]);
  });

  it("would catch an iteration count above 100,000 written in source", () => {
    const fake = {
      "/src/a.ts": 'deriveBits({ name: "PBKDF2", iterations: 600_000 }, key, 256)',
      "/src/b.ts": "const PBKDF2_ITERATIONS = 310000;",
      "/src/c.ts": "const iterations = 1e6; // some other loop, left alone",
    };

    expect(writtenOverLimit(fake)).toEqual(["/src/a.ts: 600000", "/src/b.ts: 310000"]);
  });
});
