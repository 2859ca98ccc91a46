import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { secretBytes } from "../crypto/secret";
import type { D1Target } from "./d1-target";

/**
 * The KEY_ENCRYPTION_SECRET that the target's worker runs with, so an import can seal what the
 * worker must later open (client-secret-jwt secrets). Locally that is `.dev.vars`, as `wrangler
 * dev` reads it; a deployed worker's secret cannot be read back, so for `--remote` the operator
 * passes the same value in the environment. Undefined when there is none to be had.
 */
export async function keyEncryptionSecretFor(
  root: string,
  target: D1Target,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const secret =
    target.kind === "remote" ? environment.KEY_ENCRYPTION_SECRET : await devVarsSecret(root);
  if (secret === undefined || secret === "") return undefined;

  // A malformed secret would seal nothing the worker can open: refuse it before importing.
  secretBytes(secret);
  return secret;
}

async function devVarsSecret(root: string): Promise<string | undefined> {
  const text = await readFile(join(root, ".dev.vars"), "utf8").catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    },
  );
  return parseEnv(text).KEY_ENCRYPTION_SECRET;
}
