import type { ProtocolMapper } from "../../db/client-scopes";
import type { Client } from "../../db/clients";
import type { Realm } from "../../db/realms";
import type { EffectiveRoles } from "../../db/roles";
import type { UserGroup } from "../../db/user-groups";
import type { User } from "../../db/users";
import type { RealmKeys } from "../../keys/realm-keys";
import { tokenType } from "../dpop/binding";
import { accessTokenLifespan } from "./lifetimes";
import { signAccessToken } from "./mint";
import { accessTokenAlg } from "./signing-algs";

/** What the client_credentials grant hands over: a client acting as its service account. */
export interface ServiceAccountGrant {
  realm: Realm;
  issuer: string;
  client: Client;
  user: User;
  scope: string;
  roles: EffectiveRoles;
  now: number;
  /** The key the token is bound to with DPoP (RFC 9449 §5). */
  dpopJkt?: string;
  mappers?: ProtocolMapper[];
  /** The service account's direct groups, when a group membership mapper applies. */
  groups?: readonly UserGroup[];
  /** RFC 8707 resources: the token's `aud`. */
  resource?: string[];
}

/**
 * The answer to a client_credentials request (RFC 6749 §4.4.3): no refresh token, no ID
 * token. `refresh_expires_in: 0` and `not-before-policy` are what Keycloak answers here.
 */
export interface ServiceAccountTokenResponse {
  access_token: string;
  token_type: "Bearer" | "DPoP";
  expires_in: number;
  refresh_expires_in: 0;
  scope: string;
  "not-before-policy": 0;
}

/**
 * Mints a service account's access token: RFC 9068 claims plus Keycloak's, signed like every
 * other access token. No user signed in, so it has neither `sid` nor `auth_time`.
 */
export async function mintServiceAccountToken(
  keys: RealmKeys,
  grant: ServiceAccountGrant,
): Promise<ServiceAccountTokenResponse> {
  const { realm, client, user, scope, roles, now } = grant;

  const accessToken = await signAccessToken(keys, {
    iss: grant.issuer,
    sub: user.id,
    iat: now,
    exp: now + accessTokenLifespan(realm, client),
    client,
    user,
    scope,
    roles,
    alg: accessTokenAlg(realm, client),
    dpopJkt: grant.dpopJkt,
    mappers: grant.mappers,
    groups: grant.groups,
    resource: grant.resource,
  });

  return {
    access_token: accessToken,
    token_type: tokenType(grant.dpopJkt),
    expires_in: accessTokenLifespan(realm, client),
    refresh_expires_in: 0,
    scope,
    "not-before-policy": 0,
  };
}
