import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
import { database } from "../db/client";
import { ImportError } from "../realm-import/import-error";
import { type ImportOptions, type ImportResult, importRealm } from "../realm-import/import-realm";
import { displayPath } from "./display-path";

/**
 * Where getPlatformProxy must look to share data with `wrangler dev`: wrangler keeps it under
 * `<persist-to>/v3` (default `.wrangler/state/v3`), while the proxy takes the `v3` path itself.
 */
export function proxyPersistPath(root: string, persistTo: string | undefined): string {
  return join(persistTo ?? join(root, ".wrangler", "state"), "v3");
}

/**
 * How realm files are imported besides where to. `keyEncryptionSecret` seals client-secret-jwt
 * and webhook secrets: the worker that serves the realms must run with it.
 */
export interface ImportFilesOptions extends ImportOptions {
  /** Another wrangler configuration file whose local `DB` receives the realms. */
  configPath?: string;
}

/**
 * Imports realm files, in order, into the local D1 database that `wrangler dev` uses (or, with
 * another wrangler configuration file, into that configuration's local `DB`).
 */
export async function importRealmFiles(
  root: string,
  persistTo: string | undefined,
  files: string[],
  options: ImportFilesOptions = {},
): Promise<ImportResult[]> {
  const { configPath, ...importOptions } = options;
  const representations = await Promise.all(files.map((file) => readRealmFile(root, file)));
  const config = configPath ? { path: configPath, remove: async () => {} } : await d1Only(root);

  try {
    const proxy = await quietly(() =>
      getPlatformProxy<{ DB: D1Database }>({
        configPath: config.path,
        persist: { path: proxyPersistPath(root, persistTo) },
        remoteBindings: false,
      }),
    );
    try {
      const db = database(proxy.env.DB);
      const results: ImportResult[] = [];
      for (const [index, representation] of representations.entries()) {
        const name = displayPath(root, files[index] ?? "");
        results.push(await importOne(db, representation, name, importOptions));
      }
      return results;
    } finally {
      await proxy.dispose();
    }
  } finally {
    await config.remove();
  }
}

/** The fields of a `[[d1_databases]]` entry this module copies. */
interface D1Binding {
  binding: string;
  database_name?: string;
  database_id?: string;
  migrations_dir?: string;
}

/**
 * A temporary wrangler configuration with only the project's `DB` binding (same database id,
 * so the same local file). The proxy then runs no worker, and workerd does not warn that the
 * worker's Durable Object class is missing, which would alarm whoever reads `npm start`.
 */
async function d1Only(root: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const { d1_databases } = unstable_readConfig({ config: join(root, "wrangler.toml") });
  const databases: D1Binding[] = d1_databases;
  const db = databases.find((entry) => entry.binding === "DB");
  if (!db) throw new Error("wrangler.toml has no D1 binding named DB");

  const dir = await mkdtemp(join(tmpdir(), "latchkey-import-config-"));
  const path = join(dir, "wrangler.json");
  const migrations = resolve(root, db.migrations_dir ?? "migrations");
  const binding = { ...db, migrations_dir: migrations };
  const config = {
    name: "latchkey-import",
    compatibility_date: "2025-01-01",
    d1_databases: [binding],
  };
  await writeFile(path, JSON.stringify(config, null, 2));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function importOne(
  db: ReturnType<typeof database>,
  representation: unknown,
  name: string,
  options: ImportOptions,
): Promise<ImportResult> {
  try {
    return await importRealm(db, representation, options);
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
