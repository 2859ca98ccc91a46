import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../config";
import { findRealmByName } from "../db/realms";
import { handleError } from "../http/errors-handler";
import { attackDetectionRoutes } from "./attack-detection";
import { adminAuthentication } from "./auth";
import { groupClientRoleMappingRoutes, userClientRoleMappingRoutes } from "./client-role-mappings";
import { clientScopeLinkRoutes, realmDefaultScopeRoutes } from "./client-scope-links";
import { clientScopeRoutes } from "./client-scopes";
import { clientRoutes } from "./clients";
import { AdminError, adminErrorResponse } from "./errors";
import { eventRoutes } from "./events";
import { eventsConfigRoutes } from "./events-config";
import { groupRoutes } from "./groups";
import { keyRoutes } from "./keys";
import { partialImportRoutes } from "./partial-import";
import { realmExportRoutes } from "./realm-export";
import { realmRoutes, realmsRoutes } from "./realms";
import { roleByIdRoutes, roleRoutes } from "./roles";
import { userProfileRoutes } from "./user-profile";
import { userRoutes } from "./users";
import { webhookRoutes } from "./webhooks";

const MAX_ADMIN_BODY_BYTES = 256 * 1024;
const MAX_IMPORT_BODY_BYTES = 2 * 1024 * 1024;

/** Loads the realm an admin path names; an unknown one is Keycloak's 404. */
const targetRealm: MiddlewareHandler<AppEnv> = async (c, next) => {
  const realm = await findRealmByName(c.var.db, c.req.param("realm") ?? "");
  if (!realm) throw AdminError.notFound("Realm not found");
  c.set("realm", realm);
  c.set("issuer", `${new URL(c.req.url).origin}/realms/${realm.name}`);
  await next();
};

/** Keycloak's admin REST API under `/admin/realms`, authenticated with bearer tokens. */
export const adminRoutes = new Hono<AppEnv>({ strict: false });

adminRoutes.onError((error, c) =>
  error instanceof AdminError ? adminErrorResponse(c, error) : handleError(error, c),
);
adminRoutes.use("*", async (c, next) => {
  c.header("Cache-Control", "no-store");
  await next();
});
// A user or group representation is a few kilobytes; D1 refuses rows of about 2 MB anyway.
const adminBodyLimit = bodyLimit({
  maxSize: MAX_ADMIN_BODY_BYTES,
  onError: (c) => adminErrorResponse(c, new AdminError(413, "The body is larger than 256 KiB.")),
});
// A partial import carries many representations, each written as its own rows.
const importBodyLimit = bodyLimit({
  maxSize: MAX_IMPORT_BODY_BYTES,
  onError: (c) => adminErrorResponse(c, new AdminError(413, "The body is larger than 2 MiB.")),
});
adminRoutes.use("*", (c, next) =>
  (c.req.path.endsWith("/partialImport") ? importBodyLimit : adminBodyLimit)(c, next),
);
adminRoutes.use("*", adminAuthentication);
adminRoutes.use("/realms/:realm/*", targetRealm);
adminRoutes.use("/realms/:realm", targetRealm);

adminRoutes.route("/realms", realmsRoutes);
adminRoutes.route("/realms/:realm", realmRoutes);
// Before the users' routes, whose `/:id` would otherwise take `profile` for a user id.
adminRoutes.route("/realms/:realm/users/profile", userProfileRoutes);
adminRoutes.route("/realms/:realm/users", userRoutes);
adminRoutes.route("/realms/:realm", eventRoutes);
adminRoutes.route("/realms/:realm", eventsConfigRoutes);
adminRoutes.route("/realms/:realm/attack-detection/brute-force", attackDetectionRoutes);
adminRoutes.route("/realms/:realm/roles", roleRoutes);
adminRoutes.route("/realms/:realm/roles-by-id", roleByIdRoutes);
adminRoutes.route("/realms/:realm/groups", groupRoutes);
adminRoutes.route("/realms/:realm/webhooks", webhookRoutes);
adminRoutes.route("/realms/:realm/client-scopes", clientScopeRoutes);
adminRoutes.route("/realms/:realm", realmDefaultScopeRoutes);
adminRoutes.route("/realms/:realm/clients", clientScopeLinkRoutes);
adminRoutes.route("/realms/:realm/keys", keyRoutes);
adminRoutes.route("/realms/:realm/clients", clientRoutes);
adminRoutes.route("/realms/:realm/users/:id", userClientRoleMappingRoutes);
adminRoutes.route("/realms/:realm/groups/:groupId", groupClientRoleMappingRoutes);
adminRoutes.route("/realms/:realm", realmExportRoutes);
adminRoutes.route("/realms/:realm", partialImportRoutes);
