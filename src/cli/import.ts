import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { getPlatformProxy } from "wrangler";
import { database } from "../db/client";
import { ImportError } from "../realm-import/import-error";
import { type ImportResult, importRealm } from "../realm-import/import-realm";
import { displayPath } from "./display-path";

/**
 * Where getPlatformProxy must look to share data with `wrangler dev`: wrangler keeps it under
 * `<persist-to>/v3` (default `.wrangler/state/v3`), while the proxy takes the `v3` path itself.
 */
export function proxyPersistPath(root: string, persistTo: string | undefined): string {
  return join(persistTo ?? join(root, ".wrangler", "state"), "v3");
}

/**
 * Imports realm files, in order, into the local D1 database that `wrangler dev` uses (or, with
 * another wrangler configuration file, into that configuration's local `DB`).
 */
export async function importRealmFiles(
  root: string,
  persistTo: string | undefined,
  files: string[],
  configPath = join(root, "wrangler.toml"),
): Promise<ImportResult[]> {
  const representations = await Promise.all(files.map((file) => readRealmFile(root, file)));

  const proxy = await quietly(() =>
    getPlatformProxy<{ DB: D1Database }>({
      configPath,
      persist: { path: proxyPersistPath(root, persistTo) },
      remoteBindings: false,
    }),
  );

  try {
    const db = database(proxy.env.DB);
    const results: ImportResult[] = [];
    for (const [index, representation] of representations.entries()) {
      results.push(await importOne(db, representation, displayPath(root, files[index] ?? "")));
    }
    return results;
  } finally {
    await proxy.dispose();
  }
}

async function importOne(
  db: ReturnType<typeof database>,
  representation: unknown,
  name: string,
): Promise<ImportResult> {
  try {
    return await importRealm(db, representation);
  } catch (error) {
    if (error instanceof ImportError)
      throw new Error(`${name} cannot be imported:\n${error.message}`);
    throw error;
  }
}

async function readRealmFile(root: string, file: string): Promise<unknown> {
  const name = displayPath(root, file);
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read realm file ${name}: ${error.code ?? error.message}`);
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`realm file ${name} is not JSON: ${(error as Error).message}`);
  }
}

/**
 * Runs wrangler's API with only its errors shown: the proxy warns that Durable Objects it does
 * not run are unavailable, which is true of the proxy but not of `wrangler dev`.
 */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const level = process.env.WRANGLER_LOG;
  process.env.WRANGLER_LOG = level ?? "error";
  try {
    return await run();
  } finally {
    if (level === undefined) delete process.env.WRANGLER_LOG;
  }
}
