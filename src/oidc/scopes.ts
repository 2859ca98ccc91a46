import { OAuthError } from "../http/errors";

/**
 * Keycloak's built-in client scopes that this realm understands. `web-origins`, `acr` and
 * `basic` add no claims of their own yet; `microprofile-jwt` is not supported.
 */
export const supportedScopes = [
  "openid",
  "profile",
  "email",
  "address",
  "phone",
  "offline_access",
  "roles",
  "web-origins",
  "acr",
  "basic",
] as const;

export type ClientScopeName = (typeof supportedScopes)[number];

const known = new Set<string>(supportedScopes);

/** Whether a scope value is one of the built-in client scopes. */
export function isSupportedScope(value: string): value is ClientScopeName {
  return known.has(value);
}

/** A scope parameter's values, in order, each once. */
export function splitScope(scope: string | undefined): string[] {
  return [...new Set((scope ?? "").split(" ").filter((value) => value !== ""))];
}

/**
 * Splits a scope parameter, refusing values this server does not know (RFC 6749 §3.3): the
 * built-in scopes and the realm's own client scopes, named in `realmScopes`.
 */
export function parseScope(
  scope: string | undefined,
  realmScopes: readonly { name: string }[] = [],
): string[] {
  const values = splitScope(scope);
  const realmNames = new Set(realmScopes.map((realmScope) => realmScope.name));
  const unknown = values.filter((value) => !known.has(value) && !realmNames.has(value));
  if (unknown.length > 0) {
    throw new OAuthError("invalid_scope", `Unknown scope: ${unknown.join(" ")}.`);
  }
  return values;
}

export function hasScope(scope: string, value: string): boolean {
  return scope.split(" ").includes(value);
}

/**
 * Scopes that Keycloak names in the token's `scope` when they are default scopes
 * ("include in token scope"); the others (`roles`, `web-origins`, `acr`, `basic`) are applied
 * without being listed, unless the client asked for them by name.
 */
const listedInTokenScope = new Set(["profile", "email", "address", "phone", "offline_access"]);

/** Keycloak's default and optional client scopes of a client. */
export interface ClientScopes {
  defaultClientScopes: string[];
  optionalClientScopes: string[];
}

/**
 * The scope granted for a request: `openid` if asked, every default client scope, and the
 * optional ones asked for. A known scope the client may not have is dropped, as Keycloak does.
 * A realm scope's default is listed when its `include.in.token.scope` says so.
 */
export function grantedScope(
  requested: string[],
  client: ClientScopes,
  realmScopes: readonly { name: string; includeInTokenScope: boolean }[] = [],
): string {
  const listed = new Set(listedInTokenScope);
  for (const scope of realmScopes) if (scope.includeInTokenScope) listed.add(scope.name);
  const allowed = new Set([
    "openid",
    ...client.defaultClientScopes,
    ...client.optionalClientScopes,
  ]);
  const granted = new Set(requested.filter((value) => allowed.has(value)));
  for (const scope of client.defaultClientScopes) {
    if (listed.has(scope)) granted.add(scope);
  }
  const ordered = [...granted].sort((a, b) => (a === "openid" ? -1 : b === "openid" ? 1 : 0));
  return ordered.join(" ");
}

/** Whether the roles scope applies: granted by name, or one of the client's default scopes. */
export function rolesApply(scope: string, client: ClientScopes): boolean {
  return hasScope(scope, "roles") || client.defaultClientScopes.includes("roles");
}

/**
 * Whether a client scope applies to a token of this scope: a default scope always does, an
 * optional one when it was granted (Keycloak's rule).
 */
export function scopeApplies(name: string, scope: string, client: ClientScopes): boolean {
  if (client.defaultClientScopes.includes(name)) return true;
  return client.optionalClientScopes.includes(name) && hasScope(scope, name);
}
