import { OAuthError } from "../http/errors";

/**
 * Scope values this realm understands. Keycloak's default client scopes are accepted so that
 * Keycloak-configured apps keep working; `roles`, `web-origins`, `acr` and `basic` add no
 * claims of their own yet.
 */
export const supportedScopes = [
  "openid",
  "profile",
  "email",
  "roles",
  "web-origins",
  "acr",
  "basic",
] as const;

const known = new Set<string>(supportedScopes);

/** Splits a scope parameter, refusing values this server does not know (RFC 6749 §3.3). */
export function parseScope(scope: string | undefined): string[] {
  const values = (scope ?? "").split(" ").filter((value) => value !== "");
  const unknown = values.filter((value) => !known.has(value));
  if (unknown.length > 0) {
    throw new OAuthError("invalid_scope", `Unknown scope: ${unknown.join(" ")}.`);
  }
  return [...new Set(values)];
}

export function hasScope(scope: string, value: string): boolean {
  return scope.split(" ").includes(value);
}

/**
 * Keycloak's default client scopes, granted whether or not the client asked for them, so
 * Keycloak-configured apps see the same claims.
 */
const defaultScopes = ["profile", "email"];

/** The scope granted for a request: what was asked plus the default scopes. */
export function grantedScope(requested: string[]): string {
  const granted = new Set(requested);
  for (const scope of defaultScopes) granted.add(scope);
  const ordered = [...granted].sort((a, b) => (a === "openid" ? -1 : b === "openid" ? 1 : 0));
  return ordered.join(" ");
}
