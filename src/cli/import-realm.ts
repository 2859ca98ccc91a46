import { rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ImportResult } from "../realm-import/import-realm";
import { applySqlFile, type D1Target, describeTarget, existingRealms } from "./d1-target";
import { ensureDevVars } from "./dev-vars";
import { importRealmFiles } from "./import";
import { importRealmUsage, parseImportRealmArgs } from "./import-realm-args";
import { keyEncryptionSecretFor } from "./key-encryption-secret";
import { realmDataSql } from "./realm-sql";
import {
  createStaging,
  dropStagedRealms,
  exportStagedData,
  removeStaging,
  type Staging,
} from "./staging";

const root = join(import.meta.dirname, "..", "..");

/**
 * `npm run import-realm`: imports realm files into a local or the deployed D1 database without
 * an admin API. Each file goes through the importer into a temporary local database; that
 * database's rows, exported as SQL, are then run on the target by wrangler in one go.
 */
async function main(): Promise<void> {
  // npm runs scripts from the package root; INIT_CWD is where the operator typed the command.
  const options = parseOrExplain(process.argv.slice(2), process.env.INIT_CWD ?? ".");
  if (options.help) {
    process.stdout.write(importRealmUsage);
    return;
  }
  const target = describeTarget(root, options.target);
  if (options.target.kind === "local") await ensureDevVars(root);
  const keyEncryptionSecret = await keyEncryptionSecretFor(root, options.target);

  log("Checking the realm files by importing them into a temporary local database");
  const staging = await createStaging(root);
  const interrupted = () => {
    rmSync(staging.dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    const staged = await importRealmFiles(root, staging.persistTo, options.realmFiles, {
      configPath: staging.config,
      keyEncryptionSecret,
      // A local database serves `npm start`, whose webhook receivers may be on this machine.
      allowPrivateWebhookTargets: options.target.kind === "local",
    });
    const fresh = await skipExisting(staging, options.target, staged, target);
    if (fresh.length === 0) {
      log(`Nothing to import into ${target}`);
      return;
    }

    await applyStaged(staging, options.target, target);
    for (const realm of fresh) log(`Imported realm ${realm} into ${target}`);
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    await removeStaging(staging);
  }
}

/** Leaves out realms named twice or already in the target, like Keycloak's --import-realm. */
async function skipExisting(
  staging: Staging,
  target: D1Target,
  staged: ImportResult[],
  targetName: string,
): Promise<string[]> {
  for (const { realm, created } of staged) {
    if (!created) log(`Realm ${realm} is in more than one file; only the first one is imported`);
  }
  const names = staged.filter((result) => result.created).map((result) => result.realm);

  log(`Looking for these realms in ${targetName}: ${names.join(", ")}`);
  const existing = await existingRealms(root, target, names);
  for (const realm of existing)
    log(`Realm ${realm} exists already in ${targetName}; import skipped`);

  const fresh = names.filter((name) => !existing.includes(name));
  if (existing.length > 0 && fresh.length > 0) await dropStagedRealms(root, staging, existing);
  return fresh;
}

/** Exports the staged rows, keeps only INSERTs into our tables, and runs them on the target. */
async function applyStaged(staging: Staging, target: D1Target, targetName: string) {
  const { sql, rows } = realmDataSql(await exportStagedData(root, staging));
  const file = join(staging.dir, "realm.sql");
  await writeFile(file, sql, { mode: 0o600 });

  const counts = Object.entries(rows).map(([table, count]) => `${table} ${count}`);
  log(`Writing rows to ${targetName} (${counts.join(", ")})`);
  await applySqlFile(root, target, file);
}

function parseOrExplain(argv: string[], cwd: string) {
  try {
    return parseImportRealmArgs(argv, cwd);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\n${importRealmUsage}`);
  }
}

function log(message: string): void {
  process.stdout.write(`\n[latchkey] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`\n[latchkey] ${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write("[latchkey] Nothing was imported.\n");
  process.exit(1);
});
