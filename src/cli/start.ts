import { join } from "node:path";
import { parseStartArgs, usage } from "./args";
import { assertPortFree, startDevServer, waitUntilListening } from "./dev-server";
import { ensureBootstrapAdminVars, ensureDevVars } from "./dev-vars";
import { importRealmFiles } from "./import";
import { keyEncryptionSecretFor } from "./key-encryption-secret";
import { applyMigrations } from "./migrations";

/** `npm start`: local Latchkey on wrangler dev, with migrations applied and realms imported. */
async function main(): Promise<void> {
  const root = join(import.meta.dirname, "..", "..");
  const demoRealm = join(root, "src", "realm-import", "demo-realm.json");
  const options = parseStartArgs(process.argv.slice(2), demoRealm);
  if (options.help) {
    process.stdout.write(usage);
    return;
  }

  await assertPortFree(options.port);
  const devVars = await ensureDevVars(root);
  if (devVars !== "kept") log(`Wrote a new KEY_ENCRYPTION_SECRET to .dev.vars (${devVars})`);
  const admin = await ensureBootstrapAdminVars(root);

  log("Applying D1 migrations to the local database");
  await applyMigrations(root, options.persistTo);

  // Local development: the dev secret seals imported secrets, and loopback webhook receivers
  // are allowed, as `wrangler dev` below allows them (WEBHOOKS_ALLOW_PRIVATE_TARGETS).
  const imports = await importRealmFiles(root, options.persistTo, options.realmFiles, {
    keyEncryptionSecret: await keyEncryptionSecretFor(root, { kind: "local" }),
    allowPrivateWebhookTargets: true,
  });
  for (const { realm, created } of imports) {
    log(created ? `Imported realm ${realm}` : `Realm ${realm} exists already; import skipped`);
  }

  // `/` leads to the first realm imported, so a custom realm file works without settings.
  const defaultRealm = imports[0]?.realm;
  const child = startDevServer(root, options.port, options.persistTo, defaultRealm);
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  await waitUntilListening(child, options.port);

  log(banner(options.port, options.realmFiles.includes(demoRealm), defaultRealm));
  log(
    `Admin API: http://localhost:${options.port}/admin/realms — bootstrap admin ` +
      `${admin.username} / ${admin.password} (realm master, client admin-cli, from .dev.vars)`,
  );
}

function banner(port: number, demo: boolean, realm: string | undefined): string {
  const url = `http://localhost:${port}/`;
  if (!demo) return `Latchkey is running at ${url} (realm ${realm ?? "demo"})`;
  return (
    `Latchkey is running at ${url} — open it to sign up or sign in ` +
    "(realm demo; demo user demo@example.com / demo-password-1)"
  );
}

function log(message: string): void {
  process.stdout.write(`\n[latchkey] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`\n[latchkey] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
