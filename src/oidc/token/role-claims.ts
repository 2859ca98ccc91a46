import type { Database } from "../../db/client";
import type { Client } from "../../db/clients";
import { type EffectiveRoles, effectiveRoles } from "../../db/roles";
import type { User } from "../../db/users";
import { OAuthError } from "../../http/errors";
import { hasScope, rolesApply, scopeApplies } from "../scopes";

/** The roles a token for this client and scope may carry (Keycloak's `getAccess`). */
export function rolesFor(
  db: Database,
  client: Client,
  user: User,
  scope: string,
): Promise<EffectiveRoles> {
  return effectiveRoles(db, user.id, {
    realmId: client.realmId,
    clientRowId: client.id,
    fullScopeAllowed: client.fullScopeAllowed,
    offlineAccess: hasScope(scope, "offline_access"),
    clientScopes: [...client.defaultClientScopes, ...client.optionalClientScopes].filter((name) =>
      scopeApplies(name, scope, client),
    ),
  });
}

/**
 * Keycloak's rule for offline tokens: the person must hold the `offline_access` role, and the
 * client must have it in scope. Keycloak answers `not_allowed`; RFC 6749 §5.2 has
 * `invalid_scope` for a scope the server will not grant.
 */
export function requireOfflineAccess(roles: EffectiveRoles): void {
  if (!roles.realm.includes("offline_access")) {
    throw new OAuthError(
      "invalid_scope",
      "Offline tokens are not allowed for this user or client.",
    );
  }
}

/**
 * Keycloak's `roles` scope: `realm_access` and `resource_access` with the effective roles, and
 * the clients whose roles are present added to `aud` (its "audience resolve" mapper).
 */
export function roleClaims(roles: EffectiveRoles, client: Client, scope: string) {
  if (!rolesApply(scope, client)) return { claims: {}, audiences: [] };

  const resourceAccess = Object.fromEntries(
    Object.entries(roles.clients).map(([clientId, names]) => [clientId, { roles: names }]),
  );
  const claims = {
    ...(roles.realm.length > 0 ? { realm_access: { roles: roles.realm } } : {}),
    ...(Object.keys(resourceAccess).length > 0 ? { resource_access: resourceAccess } : {}),
  };
  const audiences = Object.keys(resourceAccess).filter((id) => id !== client.clientId);
  return { claims, audiences };
}
