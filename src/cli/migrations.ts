import { persistFlag, spawnWrangler, succeeded } from "./wrangler";

/** Applies the D1 migrations to the local database that `wrangler dev` will use. */
export async function applyMigrations(root: string, persistTo: string | undefined): Promise<void> {
  // With stdin ignored wrangler runs non-interactively and does not ask for confirmation.
  const args = ["d1", "migrations", "apply", "DB", "--local", ...persistFlag(persistTo)];
  await succeeded(spawnWrangler(root, args), "wrangler d1 migrations apply");
}
