import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import { deleteRealm } from "../db/realm-delete";
import type { Realm } from "../db/realms";
import { realms } from "../db/schema";
import { logEvent } from "../http/log";
import { clearRealmCache } from "../http/realm-context";
import { ImportError } from "../realm-import/import-error";
import { importRealm } from "../realm-import/import-realm";
import { signingAlg } from "../realm-import/representation";
import {
  updatedWebauthnPolicy,
  webauthnPolicyFields,
  webauthnPolicyRepresentation,
} from "../realm-import/webauthn-policy";
import { allowsPrivateTargets } from "../webhooks/target";
import { auditChange } from "./audit";
import { grantedRoles, MASTER_REALM, requireRole } from "./auth";
import { AdminError } from "./errors";
import {
  eventsConfigFields,
  eventsConfigRepresentation,
  withEventsConfigColumns,
} from "./events-config";
import { withRealmManagement } from "./realm-management";
import { readBody } from "./validate";

/** Keycloak's RealmRepresentation, for the settings Latchkey has. */
export function realmRepresentation(realm: Realm) {
  return {
    id: realm.name,
    realm: realm.name,
    displayName: realm.displayName ?? undefined,
    enabled: realm.enabled,
    registrationAllowed: realm.registrationAllowed,
    accessTokenLifespan: realm.accessTokenLifespan,
    ssoSessionIdleTimeout: realm.ssoSessionIdleTimeout,
    ssoSessionMaxLifespan: realm.ssoSessionMaxLifespan,
    offlineSessionIdleTimeout: realm.offlineSessionIdleTimeout,
    bruteForceProtected: realm.bruteForceProtected,
    failureFactor: realm.failureFactor,
    waitIncrementSeconds: realm.waitIncrementSeconds,
    maxFailureWaitSeconds: realm.maxFailureWaitSeconds,
    maxDeltaTimeSeconds: realm.maxDeltaTimeSeconds,
    defaultLocale: realm.defaultLocale,
    ...eventsConfigRepresentation(realm),
    defaultSignatureAlgorithm: realm.defaultSignatureAlgorithm ?? undefined,
    editUsernameAllowed: realm.editUsernameAllowed,
    clientRegistrationAnonymous: realm.clientRegistrationAnonymous,
    dpopNonceRequired: realm.dpopNonceRequired,
    defaultDefaultClientScopes: realm.defaultDefaultClientScopes,
    defaultOptionalClientScopes: realm.defaultOptionalClientScopes,
    ...webauthnPolicyRepresentation(realm.webauthnPasswordlessPolicy),
  };
}

const seconds = z
  .number()
  .int()
  .min(1)
  .max(10 * 365 * 24 * 3600);

/** The realm settings PUT may change; others, and unknown fields, are ignored. */
const realmUpdate = z.object({
  /** Only to check it is not a rename: realms are known by name in every URL and token. */
  realm: z.string().optional(),
  displayName: z.string().max(255).nullish(),
  enabled: z.boolean().optional(),
  registrationAllowed: z.boolean().optional(),
  accessTokenLifespan: seconds.optional(),
  ssoSessionIdleTimeout: seconds.optional(),
  ssoSessionMaxLifespan: seconds.optional(),
  offlineSessionIdleTimeout: seconds.optional(),
  bruteForceProtected: z.boolean().optional(),
  failureFactor: z.number().int().min(1).max(1000).optional(),
  waitIncrementSeconds: seconds.optional(),
  maxFailureWaitSeconds: seconds.optional(),
  maxDeltaTimeSeconds: seconds.optional(),
  ...eventsConfigFields,
  defaultLocale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "is not a language tag such as en or de")
    .optional(),
  defaultSignatureAlgorithm: signingAlg.nullish(),
  editUsernameAllowed: z.boolean().optional(),
  clientRegistrationAnonymous: z.boolean().optional(),
  dpopNonceRequired: z.boolean().optional(),
  ...webauthnPolicyFields,
});

/** `/admin/realms`: the list and realm creation. */
export const realmsRoutes = new Hono<AppEnv>();

realmsRoutes.get("/", async (c) => {
  const admin = c.var.admin;
  if (!admin) throw AdminError.unauthorized();
  const all = await c.var.db.select().from(realms).orderBy(realms.name);
  // Keycloak lists the realms the caller holds any admin role in.
  const visible = all.filter((realm) => grantedRoles(admin, realm.name).size > 0);
  return c.json(visible.map(realmRepresentation));
});

realmsRoutes.post("/", async (c) => {
  const admin = c.var.admin;
  const roles = admin?.claims.realm_access as { roles?: unknown } | undefined;
  const held = Array.isArray(roles?.roles) ? roles.roles : [];
  // Keycloak's rule: creating a realm takes the master realm's `admin` or `create-realm` role.
  if (
    admin?.realm.name !== MASTER_REALM ||
    !(held.includes("admin") || held.includes("create-realm"))
  ) {
    throw AdminError.forbidden();
  }
  const body = await readBody(c, z.record(z.string(), z.unknown()));
  try {
    const result = await importRealm(c.var.db, withRealmManagement(body), {
      keyEncryptionSecret: c.env.KEY_ENCRYPTION_SECRET,
      // The same rule for webhook targets as `POST /webhooks`.
      allowPrivateWebhookTargets: allowsPrivateTargets(c.env),
    });
    if (!result.created) throw AdminError.conflict(`Conflict detected. See logs for details`);
    clearRealmCache();
    c.header("Location", `${new URL(c.req.url).origin}/admin/realms/${result.realm}`);
    return c.body(null, 201);
  } catch (error) {
    if (error instanceof ImportError) throw AdminError.badRequest(error.message);
    throw error;
  }
});

/** `/admin/realms/{realm}`: read and update its settings. */
export const realmRoutes = new Hono<AppEnv>();

realmRoutes.get("/", (c) => {
  requireRole(c, c.var.realm.name, "view-realm");
  return c.json(realmRepresentation(c.var.realm));
});

realmRoutes.put("/", async (c) => {
  requireRole(c, c.var.realm.name, "manage-realm");
  const update = await readBody(c, realmUpdate);
  const { realm, displayName, defaultSignatureAlgorithm, ...rest } =
    withEventsConfigColumns(update);
  if (realm !== undefined && realm !== c.var.realm.name) {
    throw AdminError.badRequest("realm: renaming a realm is not supported");
  }
  const settings = Object.fromEntries(
    Object.entries(rest).filter(([key]) => !(key in webauthnPolicyFields)),
  );
  const policy = updatedWebauthnPolicy(c.var.realm.webauthnPasswordlessPolicy, update);
  const values = {
    ...settings,
    ...(policy === undefined ? {} : { webauthnPasswordlessPolicy: policy }),
    ...(displayName === undefined ? {} : { displayName }),
    // An empty or null algorithm goes back to the defaults (ES256 access, RS256 ID tokens).
    ...(defaultSignatureAlgorithm === undefined
      ? {}
      : { defaultSignatureAlgorithm: defaultSignatureAlgorithm || null }),
  };
  if (Object.keys(values).length > 0) {
    await c.var.db.update(realms).set(values).where(eq(realms.id, c.var.realm.id));
    clearRealmCache();
  }
  auditChange(c, "UPDATE", "REALM", "", update);
  return c.body(null, 204);
});

realmRoutes.delete("/", async (c) => {
  const { admin, realm } = c.var;
  // Keycloak's rule: deleting a realm takes realm-admin over it from the master realm.
  if (admin?.realm.name !== MASTER_REALM) throw AdminError.forbidden();
  requireRole(c, realm.name, "realm-admin");
  if (realm.name === MASTER_REALM) {
    throw AdminError.badRequest("The master realm cannot be deleted.");
  }
  await deleteRealm(c.var.db, c.env.KEYS, realm.id);
  clearRealmCache();
  // The realm's admin events went with it, so the deletion is logged instead.
  logEvent("admin.realm_deleted", { realm: realm.id, adminUserId: admin.userId });
  return c.body(null, 204);
});
