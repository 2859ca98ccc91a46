import { secretBytes } from "../crypto/secret";
import type { D1Target } from "./d1-target";
import { readDevVar } from "./dev-vars";

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
    target.kind === "remote"
      ? environment.KEY_ENCRYPTION_SECRET
      : await readDevVar(root, "KEY_ENCRYPTION_SECRET");
  if (secret === undefined || secret === "") return undefined;

  // A malformed secret would seal nothing the worker can open: refuse it before importing.
  secretBytes(secret);
  return secret;
}
