import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureBootstrapAdminVars, ensureDevVars, readDevVar } from "../../../src/cli/dev-vars";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "latchkey-dev-vars-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe(".dev.vars for local development", () => {
  it("is created with a KEY_ENCRYPTION_SECRET of 32 random bytes, for its owner only", async () => {
    expect(await ensureDevVars(root)).toBe("created");

    const text = await readFile(join(root, ".dev.vars"), "utf8");
    const secret = /^KEY_ENCRYPTION_SECRET=(\S+)\n$/.exec(text)?.[1] ?? "";
    expect(Buffer.from(secret, "base64")).toHaveLength(32);
    expect((await stat(join(root, ".dev.vars"))).mode & 0o777).toBe(0o600);
  });

  it("is never overwritten once it holds a secret", async () => {
    await writeFile(join(root, ".dev.vars"), "KEY_ENCRYPTION_SECRET=keep-me\nOTHER=1\n");

    expect(await ensureDevVars(root)).toBe("kept");

    expect(await readFile(join(root, ".dev.vars"), "utf8")).toBe(
      "KEY_ENCRYPTION_SECRET=keep-me\nOTHER=1\n",
    );
  });

  it("gets the secret appended when it has other variables but no secret", async () => {
    await writeFile(join(root, ".dev.vars"), "OTHER=1");

    expect(await ensureDevVars(root)).toBe("added");

    expect(await readFile(join(root, ".dev.vars"), "utf8")).toMatch(
      /^OTHER=1\nKEY_ENCRYPTION_SECRET=\S+\n$/,
    );
  });

  it("is made once when two start commands race", async () => {
    const results = await Promise.all([ensureDevVars(root), ensureDevVars(root)]);

    expect(results.sort()).toEqual(["created", "kept"]);
  });
});

describe("reading .dev.vars (the secret that seals imported webhook secrets)", () => {
  it("reads a name's value, quoted or not, and nothing for a name it lacks", async () => {
    await writeFile(join(root, ".dev.vars"), 'KEY_ENCRYPTION_SECRET = "abc="\nOTHER=1\n');
    expect(await readDevVar(root, "KEY_ENCRYPTION_SECRET")).toBe("abc=");
    expect(await readDevVar(root, "OTHER")).toBe("1");
    expect(await readDevVar(root, "MISSING")).toBeUndefined();
  });

  it("reads nothing when there is no .dev.vars", async () => {
    expect(await readDevVar(root, "KEY_ENCRYPTION_SECRET")).toBeUndefined();
  });
});

describe("the bootstrap administrator's local defaults in .dev.vars", () => {
  it("are added as admin / admin where absent", async () => {
    await ensureDevVars(root);

    expect(await ensureBootstrapAdminVars(root)).toEqual({ username: "admin", password: "admin" });
    expect(await readDevVar(root, "BOOTSTRAP_ADMIN_PASSWORD")).toBe("admin");
  });

  it("keep values the developer set", async () => {
    await writeFile(join(root, ".dev.vars"), "BOOTSTRAP_ADMIN_PASSWORD=mine\n");

    expect(await ensureBootstrapAdminVars(root)).toEqual({ username: "admin", password: "mine" });
  });
});
