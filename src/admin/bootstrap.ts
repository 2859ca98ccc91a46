import type { MiddlewareHandler } from "hono";
import type { AppEnv, Env } from "../config";
import type { Database } from "../db/client";
import { findRealmByName } from "../db/realms";
import { logEvent } from "../http/log";
import { clearRealmCache } from "../http/realm-context";
import { importRealm } from "../realm-import/import-realm";
import { REALM_MANAGEMENT } from "./permissions";
import { withRealmManagement } from "./realm-management";

/** The master realm with `admin-cli` and the bootstrap administrator, as Keycloak makes it. */
export function masterRealm(username: string, password: string) {
  return withRealmManagement({
    realm: "master",
    // The administrators' realm: nobody signs up there (Keycloak's default for every realm).
    registrationAllowed: false,
    clients: [{ clientId: "admin-cli", publicClient: true, directAccessGrantsEnabled: true }],
    roles: {
      realm: [
        { name: "admin", description: "Administers every realm" },
        { name: "create-realm", description: "Creates realms" },
      ],
    },
    users: [
      {
        username,
        enabled: true,
        credentials: [{ type: "password", value: password }],
        realmRoles: ["admin", "create-realm"],
        clientRoles: { [REALM_MANAGEMENT]: ["realm-admin"] },
      },
    ],
  });
}

let done: Promise<void> | undefined;

/**
 * Creates the master realm and its first administrator from BOOTSTRAP_ADMIN_USERNAME and
 * BOOTSTRAP_ADMIN_PASSWORD when the master realm is missing. Once per isolate; the import
 * skips a realm that exists, and another isolate winning the race counts as done.
 */
export function ensureBootstrap(env: Env, db: Database): Promise<void> {
  const username = env.BOOTSTRAP_ADMIN_USERNAME;
  const password = env.BOOTSTRAP_ADMIN_PASSWORD;
  if (!username || !password) return Promise.resolve();
  done ??= bootstrap(db, username, password).catch((error) => {
    done = undefined;
    throw error;
  });
  return done;
}

// TODO(bootstrap-existing-master): a master realm that exists already (imported, or left by an
// earlier bootstrap whose administrator was deleted) gets no administrator, so an operator can
// be locked out; creating the user when master has no realm-admin holder would close it.
async function bootstrap(db: Database, username: string, password: string): Promise<void> {
  if (await findRealmByName(db, "master")) return;
  const result = await importRealm(db, masterRealm(username, password));
  if (result.created) {
    clearRealmCache();
    logEvent("admin.bootstrapped", { realm: "master" });
  }
}

/** Bootstraps before the master realm's own endpoints, whose token endpoint admins use first. */
export const bootstrapBeforeMaster: MiddlewareHandler<AppEnv> = async (c, next) => {
  await ensureBootstrap(c.env, c.var.db);
  await next();
};
