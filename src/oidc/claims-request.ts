import { z } from "zod";
import type { User } from "../db/users";
import { OAuthError } from "../http/errors";
import type { ClientScopes } from "./scopes";
import { userClaims } from "./user-claims";

/** OpenID Connect Core §5.5.1: how one claim is asked for; `null` asks in the default manner. */
const individualClaim = z.union([
  z.null(),
  z.object({
    essential: z.boolean().optional(),
    value: z.unknown().optional(),
    values: z.array(z.unknown()).optional(),
  }),
]);

const claimsMember = z.record(z.string().max(255), individualClaim);

/** OpenID Connect Core §5.5: the `claims` parameter; members other than these are ignored. */
const claimsRequestShape = z.object({
  id_token: claimsMember.optional(),
  userinfo: claimsMember.optional(),
});

export type ClaimsRequest = z.infer<typeof claimsRequestShape>;
export type ClaimsMember = z.infer<typeof claimsMember>;

/**
 * The standard claims Latchkey releases on request, each with the client scope that holds it
 * (as user-claims.ts releases them). Any other name in a request is ignored (§5.5).
 */
const scopeOfClaim: Record<string, string> = {
  preferred_username: "profile",
  name: "profile",
  given_name: "profile",
  family_name: "profile",
  email: "email",
  email_verified: "email",
  address: "address",
  phone_number: "phone",
  phone_number_verified: "phone",
};

/** Claims asked for that this server knows besides the user's: the level and the subject. */
const otherKnownClaims = new Set(["acr", "sub"]);

/** Keeps the claims of a member that this server knows; unknown ones are ignored. */
function knownMember(member: ClaimsMember | undefined): ClaimsMember | undefined {
  if (member === undefined) return undefined;
  const kept = Object.entries(member).filter(
    ([name]) => Object.hasOwn(scopeOfClaim, name) || otherKnownClaims.has(name),
  );
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/**
 * Parses the `claims` parameter (OpenID Connect Core §5.5): a JSON object whose `id_token`
 * and `userinfo` members map claim names to null or {essential, value, values}. Returns the
 * request with only the claims this server knows, or undefined when none remain.
 */
export function parseClaimsRequest(raw: string | undefined): ClaimsRequest | undefined {
  if (raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new OAuthError("invalid_request", "The claims parameter is not JSON.");
  }
  const parsed = claimsRequestShape.safeParse(json);
  if (!parsed.success) {
    throw new OAuthError("invalid_request", "The claims parameter is malformed.");
  }

  const idToken = knownMember(parsed.data.id_token);
  const userinfo = knownMember(parsed.data.userinfo);
  if (idToken === undefined && userinfo === undefined) return undefined;
  return {
    ...(idToken === undefined ? {} : { id_token: idToken }),
    ...(userinfo === undefined ? {} : { userinfo }),
  };
}

/**
 * The subject an ID token is asked for by value (§5.5.1): only that person's session may
 * answer without a sign-in, as with an id_token_hint.
 */
export function requestedSubject(request: ClaimsRequest | undefined): string | undefined {
  const value = request?.id_token?.sub?.value;
  return typeof value === "string" ? value : undefined;
}

/** The scopes a client may be granted: `openid`, its default and its optional client scopes. */
function allowedScopes(client: ClientScopes): Set<string> {
  return new Set(["openid", ...client.defaultClientScopes, ...client.optionalClientScopes]);
}

/**
 * The user claims a member asks for that the client may have: a claim whose scope is not
 * among the client's client scopes is not released, as the scope would not be granted.
 */
export function requestedClaimNames(
  member: ClaimsMember | undefined,
  client: ClientScopes,
): string[] {
  const allowed = allowedScopes(client);
  return Object.keys(member ?? {}).filter((name) => {
    const scope = scopeOfClaim[name];
    return scope !== undefined && allowed.has(scope);
  });
}

/**
 * The scopes that hold the claims a request asks for, anywhere. Asking for a claim asks for
 * its scope as far as consent goes: the consent page shows it and approval records it.
 */
export function claimsScopes(request: ClaimsRequest | undefined, client: ClientScopes): string[] {
  const names = [
    ...requestedClaimNames(request?.id_token, client),
    ...requestedClaimNames(request?.userinfo, client),
  ];
  return [...new Set(names.map((name) => scopeOfClaim[name] as string))];
}

/** The user's values of the claims named, whatever the granted scope says. */
export function requestedUserClaims(user: User, names: readonly string[]) {
  const known = names.filter((name) => Object.hasOwn(scopeOfClaim, name));
  if (known.length === 0) return {};

  const scope = [...new Set(known.map((name) => scopeOfClaim[name]))].join(" ");
  return Object.fromEntries(
    Object.entries(userClaims(user, scope)).filter(([name]) => known.includes(name)),
  );
}
