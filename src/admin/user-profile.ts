import { eq } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../config";
import { realms } from "../db/schema";
import { clearRealmCache } from "../http/realm-context";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { realmUserProfile, userProfileConfig } from "./user-profile-config";
import { readBody } from "./validate";

/** `/admin/realms/{realm}/users/profile`: Keycloak's declared user profile (UPConfig). */
export const userProfileRoutes = new Hono<AppEnv>();

userProfileRoutes.get("/", (c) => {
  requireRole(c, c.var.realm.name, "view-realm");
  return c.json(realmUserProfile(c.var.realm.userProfile));
});

userProfileRoutes.put("/", async (c) => {
  requireRole(c, c.var.realm.name, "manage-realm");
  const config = await readBody(c, userProfileConfig);
  await c.var.db.update(realms).set({ userProfile: config }).where(eq(realms.id, c.var.realm.id));
  clearRealmCache();
  auditChange(c, "UPDATE", "USER_PROFILE", "users/profile", config);
  return c.json(config);
});
