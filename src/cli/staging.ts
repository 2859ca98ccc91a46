import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { wranglerOutput } from "./wrangler";

/**
 * A throwaway local D1 database where realm files are imported before they go anywhere else.
 * It has a wrangler configuration of its own because `wrangler d1 export --local` has no
 * `--persist-to`: it always reads `.wrangler/state` beside the configuration file.
 */
export interface Staging {
  dir: string;
  /** The wrangler configuration file whose `DB` is the staging database. */
  config: string;
  /** The `--persist-to` directory, which is also the configuration's default one. */
  persistTo: string;
}

/** Creates the staging database in a new temporary directory, with the migrations applied. */
export async function createStaging(root: string): Promise<Staging> {
  const dir = await mkdtemp(join(tmpdir(), "latchkey-realm-import-"));
  const staging = { dir, config: join(dir, "wrangler.json"), persistTo: stateDir(dir) };

  try {
    await writeFile(staging.config, JSON.stringify(stagingConfig(root), null, 2));
    const args = ["d1", "migrations", "apply", "DB", ...localFlags(staging)];
    await wranglerOutput(root, args, "wrangler d1 migrations apply (temporary database)");
  } catch (error) {
    await removeStaging(staging);
    throw error;
  }
  return staging;
}

/** Deletes realms from the staging database; their clients, users and credentials go too. */
export async function dropStagedRealms(root: string, staging: Staging, names: string[]) {
  // Names come from realms the importer accepted, so they match [A-Za-z0-9._-] only.
  const list = names.map((name) => `'${name.replaceAll("'", "''")}'`).join(", ");
  const args = ["d1", "execute", "DB", ...localFlags(staging), "--command"];
  args.push(`DELETE FROM realms WHERE name IN (${list})`);
  await wranglerOutput(root, args, "wrangler d1 execute (temporary database)");
}

/** The staging database's rows as SQL (`wrangler d1 export --no-schema`), unfiltered. */
export async function exportStagedData(root: string, staging: Staging): Promise<string> {
  const output = join(staging.dir, "export.sql");
  const args = ["d1", "export", "DB", "--local", "--config", staging.config, "--no-schema"];
  args.push("--output", output);
  await wranglerOutput(root, args, "wrangler d1 export (temporary database)");
  return readFile(output, "utf8");
}

/** Removes the staging directory and everything in it. */
export async function removeStaging(staging: Staging): Promise<void> {
  await rm(staging.dir, { recursive: true, force: true });
}

function stateDir(dir: string): string {
  return join(dir, ".wrangler", "state");
}

function localFlags(staging: Staging): string[] {
  return ["--local", "--config", staging.config, "--persist-to", staging.persistTo];
}

/** Only the D1 binding, with the project's migrations; the id never leaves this machine. */
function stagingConfig(root: string) {
  return {
    name: "latchkey-realm-import",
    compatibility_date: "2025-01-01",
    d1_databases: [
      {
        binding: "DB",
        database_name: "latchkey-realm-import",
        database_id: "00000000-0000-0000-0000-000000000000",
        migrations_dir: join(root, "migrations"),
      },
    ],
  };
}
