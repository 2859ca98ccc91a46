import type { UserProfileConfig } from "./user-profile-config";

/**
 * What an administrator may see and change under a realm's declared profile: a declared
 * attribute by its permissions (edit implies view; none given means admins may), an undeclared
 * one by `unmanagedAttributePolicy`.
 */

function declared(profile: UserProfileConfig, name: string) {
  return profile.attributes.find((attribute) => attribute.name === name);
}

/** Whether an administrator may change the attribute. */
export function adminMayEdit(profile: UserProfileConfig, name: string): boolean {
  const attribute = declared(profile, name);
  if (attribute) return !attribute.permissions || attribute.permissions.edit.includes("admin");
  const policy = profile.unmanagedAttributePolicy;
  return policy === "ENABLED" || policy === "ADMIN_EDIT";
}

/** Whether an administrator may read the attribute. */
export function adminMayView(profile: UserProfileConfig, name: string): boolean {
  if (adminMayEdit(profile, name)) return true;
  const attribute = declared(profile, name);
  if (attribute) return attribute.permissions?.view.includes("admin") ?? true;
  return profile.unmanagedAttributePolicy === "ADMIN_VIEW";
}

/** The attributes an administrator may read. */
export function visibleAttributes(
  profile: UserProfileConfig,
  attributes: Record<string, string[]> | null,
): Record<string, string[]> | null {
  if (!attributes) return attributes;
  const entries = Object.entries(attributes).filter(([name]) => adminMayView(profile, name));
  return Object.fromEntries(entries);
}

/**
 * The attributes a PUT leaves: those an administrator may not change are kept when the body
 * leaves them out (it could not have shown or changed them), as Keycloak merges them.
 */
export function withUneditableKept(
  profile: UserProfileConfig,
  next: Record<string, string[]>,
  previous: Record<string, string[]>,
): Record<string, string[]> {
  const kept = { ...next };
  for (const [name, values] of Object.entries(previous)) {
    if (!Object.hasOwn(kept, name) && !adminMayEdit(profile, name)) kept[name] = values;
  }
  return kept;
}
