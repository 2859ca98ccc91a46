import type { User } from "../db/users";
import { hasScope } from "./scopes";

/** Standard claims (OpenID Connect Core §5.4) a user releases for the granted scope. */
export function userClaims(user: User, scope: string): Record<string, string | boolean> {
  const claims: Record<string, string | boolean> = {};

  if (hasScope(scope, "profile") || hasScope(scope, "openid")) {
    // Keycloak releases preferred_username with its default `profile` scope; apps rely on it.
    claims.preferred_username = user.username;
  }
  if (hasScope(scope, "profile")) {
    const name = [user.firstName, user.lastName].filter(Boolean).join(" ");
    if (name) claims.name = name;
    if (user.firstName) claims.given_name = user.firstName;
    if (user.lastName) claims.family_name = user.lastName;
  }
  if (hasScope(scope, "email") && user.email) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  return claims;
}
