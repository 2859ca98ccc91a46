import { join } from "node:path";
import KeycloakAdminClient from "@keycloak/keycloak-admin-client";
import { readDevVar } from "../../../src/cli/dev-vars";

const root = join(import.meta.dirname, "..", "..", "..");

/**
 * keycloak-admin-client signed in to a running server as its bootstrap administrator, whose
 * credentials `npm start` wrote to .dev.vars, through master's `admin-cli`.
 */
export async function bootstrapAdminClient(origin: string): Promise<KeycloakAdminClient> {
  const admin = new KeycloakAdminClient({ baseUrl: origin, realmName: "master" });
  await admin.auth({
    grantType: "password",
    clientId: "admin-cli",
    username: (await readDevVar(root, "BOOTSTRAP_ADMIN_USERNAME")) ?? "",
    password: (await readDevVar(root, "BOOTSTRAP_ADMIN_PASSWORD")) ?? "",
  });
  return admin;
}
