import type { User } from "../db/users";
import { hasScope } from "./scopes";

type Claims = Record<string, string | boolean | Record<string, string>>;

/** The first value of a Keycloak user attribute, if set. */
function attribute(user: User, name: string): string | undefined {
  const value = user.attributes?.[name]?.[0];
  return value === undefined || value === "" ? undefined : value;
}

/**
 * OpenID Connect Core §5.1.1: the address claim, from the user attributes Keycloak's address
 * mapper reads. Absent when none of them is set.
 */
function addressClaim(user: User): Record<string, string> | undefined {
  const address: Record<string, string> = {};
  const fields = ["formatted", "street", "locality", "region", "postal_code", "country"];
  for (const field of fields) {
    const value = attribute(user, field);
    if (value !== undefined) address[field === "street" ? "street_address" : field] = value;
  }
  return Object.keys(address).length > 0 ? address : undefined;
}

/** Standard claims (OpenID Connect Core §5.4) a user releases for the granted scope. */
export function userClaims(user: User, scope: string): Claims {
  const claims: Claims = {};

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

  const address = hasScope(scope, "address") ? addressClaim(user) : undefined;
  if (address) claims.address = address;

  const phone = hasScope(scope, "phone") ? attribute(user, "phoneNumber") : undefined;
  if (phone !== undefined) {
    claims.phone_number = phone;
    claims.phone_number_verified = attribute(user, "phoneNumberVerified") === "true";
  }
  return claims;
}
