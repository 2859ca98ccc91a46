import { randomBytes } from "node:crypto";
import { appendFile, link, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEnv } from "node:util";

const KEY = "KEY_ENCRYPTION_SECRET";

/**
 * Makes sure `.dev.vars` holds a KEY_ENCRYPTION_SECRET for local development. An existing
 * value is never replaced: it seals the signing keys already stored in local D1.
 */
export async function ensureDevVars(root: string): Promise<"created" | "added" | "kept"> {
  const path = join(root, ".dev.vars");
  const line = `${KEY}=${randomBytes(32).toString("base64")}\n`;

  const existing = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });

  if (existing === undefined) return (await createAtomically(path, line)) ? "created" : "kept";

  if (new RegExp(`^\\s*${KEY}\\s*=`, "m").test(existing)) return "kept";

  await appendFile(path, `${existing.endsWith("\n") || existing === "" ? "" : "\n"}${line}`);
  return "added";
}

/** Creates the file with its content in one step; false when another process made it first. */
async function createAtomically(path: string, content: string): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * A value from `.dev.vars` (dotenv syntax, read with Node's own parser as wrangler reads it),
 * or undefined when the file or the name is absent.
 */
export async function readDevVar(root: string, name: string): Promise<string | undefined> {
  const text = await readFile(join(root, ".dev.vars"), "utf8").catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    },
  );
  return parseEnv(text)[name];
}

/** Local defaults of the bootstrap administrator (master realm, admin-cli): admin / admin. */
const BOOTSTRAP_DEFAULTS = { BOOTSTRAP_ADMIN_USERNAME: "admin", BOOTSTRAP_ADMIN_PASSWORD: "admin" };

/**
 * Adds the bootstrap administrator's local defaults to `.dev.vars` where absent, and answers
 * the username and password the server will use. Values already there are kept.
 */
export async function ensureBootstrapAdminVars(root: string) {
  const path = join(root, ".dev.vars");
  const text = await readFile(path, "utf8");
  const missing = Object.entries(BOOTSTRAP_DEFAULTS).filter(
    ([name]) => parseEnv(text)[name] === undefined,
  );
  if (missing.length > 0) {
    const lines = missing.map(([name, value]) => `${name}=${value}\n`).join("");
    await appendFile(path, `${text.endsWith("\n") || text === "" ? "" : "\n"}${lines}`);
  }
  return {
    username: (await readDevVar(root, "BOOTSTRAP_ADMIN_USERNAME")) ?? "",
    password: (await readDevVar(root, "BOOTSTRAP_ADMIN_PASSWORD")) ?? "",
  };
}
