import { eq } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../config";
import { realms } from "../db/schema";
import { clearRealmCache } from "../http/realm-context";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { adminMayEdit, adminMayView } from "./user-profile-access";
import { realmUserProfile, userProfileConfig } from "./user-profile-config";
import { readBody } from "./validate";

/** `/admin/realms/{realm}/users/profile`: Keycloak's declared user profile (UPConfig). */
export const userProfileRoutes = new Hono<AppEnv>();

userProfileRoutes.get("/", (c) => {
  requireRole(c, c.var.realm.name, "view-realm");
  return c.json(realmUserProfile(c.var.realm.userProfile));
});

// Keycloak's UserProfileMetadata: what a user form shows an administrator.
userProfileRoutes.get("/metadata", (c) => {
  requireRole(c, c.var.realm.name, "query-users");
  const profile = realmUserProfile(c.var.realm.userProfile);
  const attributes = profile.attributes
    .filter((attribute) => adminMayView(profile, attribute.name))
    .map((attribute) => {
      const roles = attribute.required?.roles;
      return {
        name: attribute.name,
        displayName: attribute.displayName ?? attribute.name,
        required: Boolean(attribute.required && (!roles?.length || roles.includes("admin"))),
        readOnly: !adminMayEdit(profile, attribute.name),
        group: attribute.group ?? undefined,
        annotations: attribute.annotations,
        validators: attribute.validations ?? {},
        multivalued: attribute.multivalued ?? false,
        defaultValue: attribute.defaultValue,
      };
    });
  return c.json({ attributes, groups: profile.groups ?? [] });
});

userProfileRoutes.put("/", async (c) => {
  requireRole(c, c.var.realm.name, "manage-realm");
  const config = await readBody(c, userProfileConfig);
  await c.var.db.update(realms).set({ userProfile: config }).where(eq(realms.id, c.var.realm.id));
  clearRealmCache();
  auditChange(c, "UPDATE", "USER_PROFILE", "users/profile", config);
  return c.json(config);
});
