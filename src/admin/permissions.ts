/**
 * Keycloak's admin roles: client roles of `realm-management` in each realm, and of
 * `<realm>-realm` in the master realm. `realm-admin` holds them all; a `manage-*` role
 * implies its `view-*` role, and `view-users` implies `query-users` and `query-groups`.
 */
export const ADMIN_ROLES = [
  "realm-admin",
  "create-client",
  "impersonation",
  "manage-authorization",
  "manage-clients",
  "manage-events",
  "manage-identity-providers",
  "manage-realm",
  "manage-users",
  "query-clients",
  "query-groups",
  "query-realms",
  "query-users",
  "view-authorization",
  "view-clients",
  "view-events",
  "view-identity-providers",
  "view-realm",
  "view-users",
] as const;

export type AdminRole = (typeof ADMIN_ROLES)[number];

/** The client whose roles administer a realm from inside it. */
export const REALM_MANAGEMENT = "realm-management";

/** The roles that imply `role`, `role` included. */
function impliedBy(role: AdminRole): string[] {
  const holders: string[] = [role, "realm-admin"];
  if (role.startsWith("view-")) holders.push(`manage-${role.slice(5)}`);
  if (role === "query-users" || role === "query-groups") holders.push("view-users", "manage-users");
  if (role === "query-clients") holders.push("view-clients", "manage-clients");
  return holders;
}

/** Whether a set of granted admin roles allows what `role` guards. */
export function allows(granted: ReadonlySet<string>, role: AdminRole): boolean {
  return impliedBy(role).some((holder) => granted.has(holder));
}
