import { Hono } from "hono";
import type { AppEnv } from "../config";
import { exportRealm } from "../realm-export/export-realm";
import { auditReads } from "./audit";
import { requireRole } from "./auth";

/**
 * Keycloak's `POST /admin/realms/{realm}/partial-export`: the realm with its clients, roles
 * and groups as asked, secrets masked and no users, as Keycloak. Latchkey's `includeUsers=true`
 * adds the users (each one an admin read in the data-access trail) and `includeSecrets=true`
 * (realm-admin only) the client and webhook secrets and password hashes.
 */
export const realmExportRoutes = new Hono<AppEnv>();

realmExportRoutes.post("/partial-export", async (c) => {
  const realm = c.var.realm;
  const query = (name: string) => c.req.query(name) === "true";
  const options = {
    clients: query("exportClients"),
    groupsAndRoles: query("exportGroupsAndRoles"),
    users: query("includeUsers"),
    secrets: query("includeSecrets")
      ? { keyEncryptionSecret: c.env.KEY_ENCRYPTION_SECRET }
      : undefined,
  };
  requireRole(c, realm.name, "view-realm");
  if (options.clients) requireRole(c, realm.name, "view-clients");
  if (options.users || options.groupsAndRoles) requireRole(c, realm.name, "view-users");
  if (options.secrets) requireRole(c, realm.name, "realm-admin");

  const { representation, userIds } = await exportRealm(c.var.db, realm, options);
  auditReads(c, userIds);
  return c.json(representation);
});
