import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keyEncryptionSecretFor } from "../../../src/cli/key-encryption-secret";
import { ConfigError } from "../../../src/crypto/secret";

const secret = Buffer.alloc(32, 7).toString("base64");
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "latchkey-import-secret-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the KEY_ENCRYPTION_SECRET an import seals with", () => {
  it("is the one in .dev.vars for the local database, as wrangler dev reads it", async () => {
    await writeFile(join(root, ".dev.vars"), `OTHER=1\nKEY_ENCRYPTION_SECRET="${secret}"\n`);
    const environment = { KEY_ENCRYPTION_SECRET: Buffer.alloc(32, 9).toString("base64") };

    expect(await keyEncryptionSecretFor(root, { kind: "local" }, environment)).toBe(secret);
  });

  it("is missing for the local database when there is no .dev.vars", async () => {
    expect(await keyEncryptionSecretFor(root, { kind: "local" }, {})).toBeUndefined();
  });

  it("comes from the environment for the deployed database, never from .dev.vars", async () => {
    await writeFile(join(root, ".dev.vars"), `KEY_ENCRYPTION_SECRET=${secret}\n`);

    expect(await keyEncryptionSecretFor(root, { kind: "remote" }, {})).toBeUndefined();
    const environment = { KEY_ENCRYPTION_SECRET: secret };
    expect(await keyEncryptionSecretFor(root, { kind: "remote" }, environment)).toBe(secret);
  });

  it("is refused when it is too short to seal anything the worker could open", async () => {
    const environment = { KEY_ENCRYPTION_SECRET: Buffer.alloc(16).toString("base64") };

    const found = keyEncryptionSecretFor(root, { kind: "remote" }, environment);
    await expect(found).rejects.toThrow(ConfigError);
    await expect(found).rejects.toThrow("at least 32 bytes");
  });
});
