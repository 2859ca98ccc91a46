import type { JWTPayload } from "jose";
import { sha256 } from "../../crypto/digest";
import { randomId } from "../../crypto/random";
import type { Database } from "../../db/client";
import {
  type ClientScopeSet,
  loadClientScopeSet,
  type ProtocolMapper,
} from "../../db/client-scopes";
import type { Client } from "../../db/clients";
import type { Realm } from "../../db/realms";
import { refreshTokenInsert } from "../../db/refresh-tokens";
import type { EffectiveRoles } from "../../db/roles";
import type { UserGroup } from "../../db/user-groups";
import type { User } from "../../db/users";
import type { SigningAlg } from "../../keys/generate";
import type { RealmKeys } from "../../keys/realm-keys";
import { signJwt } from "../../keys/sign";
import { type ClaimsRequest, requestedClaimNames } from "../claims-request";
import { confirmation, tokenType } from "../dpop/binding";
import { signIdToken } from "../id-token";
import { groupsForMappers } from "../mapper-values";
import { applicableMappers, mappedAudiences, mapperClaims } from "../protocol-mappers";
import { resourceAudience } from "../resource";
import { hasScope } from "../scopes";
import { userClaims } from "../user-claims";
import { accessTokenLifespan, refreshTokenExpiry, type SessionBounds } from "./lifetimes";
import { requireOfflineAccess, roleClaims, rolesFor } from "./role-claims";
import { accessTokenAlg } from "./signing-algs";

/** What a grant hands over to be turned into tokens. */
export interface TokenGrant {
  realm: Realm;
  issuer: string;
  client: Client;
  user: User;
  /** The SSO session; for an offline token whose session has ended, what it left behind. */
  session: SessionBounds;
  scope: string;
  authTime: number;
  familyId: string;
  /** Whether the refresh token is an offline token (scope offline_access). */
  offline: boolean;
  nonce?: string;
  /** The `claims` parameter of the authorization request, kept by the refresh token family. */
  claims?: ClaimsRequest | null;
  /** Keycloak's acr of the authentication behind the grant, if known. */
  acr?: string | null;
  /** The key the tokens are bound to with DPoP (RFC 9449 §5). */
  dpopJkt?: string;
  /** The client's scopes and mappers, when the grant loaded them already. */
  scopeSet?: ClientScopeSet;
  /** RFC 8707 resources the access token is for. */
  resource?: string[];
  /**
   * RFC 8707 §2.2: the resources the authorization was granted for (none: any the client may
   * ask for). The refresh token carries them, so a refresh stays within them.
   */
  grantedResources?: string[];
}

/** The token endpoint's successful answer (RFC 6749 §5.1), with Keycloak's extra members. */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer" | "DPoP";
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
  id_token?: string;
  scope: string;
  session_state: string;
  "not-before-policy": 0;
}

/** What goes into an access token beyond its grant's own claims. */
export interface AccessTokenContent extends JWTPayload {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  client: Client;
  user: User;
  scope: string;
  alg: SigningAlg;
  /** Who the token is for, when not the client itself: RFC 8693 §2.1's `audience`. */
  audience?: string | string[];
  /** The person's effective roles for this client. */
  roles: EffectiveRoles;
  /** The key a DPoP-bound token is bound to (RFC 9449 §6.1). */
  dpopJkt?: string;
  /** Protocol mappers that apply to this token: claims and audiences. */
  mappers?: ProtocolMapper[];
  /** The person's direct groups, when a group membership mapper applies. */
  groups?: readonly UserGroup[];
  /** RFC 8707 resources asked for: they become the `aud`. */
  resource?: string[];
}

/**
 * The `aud`: the audience asked for (token exchange, RFC 8707 resources), else the audience
 * mappers' (as Keycloak) and the clients whose roles the token carries (Keycloak's audience
 * resolve), else the client itself. With role audiences only, the client stays first, so its
 * own tokens still name it (token exchange needs that).
 */
function accessTokenAudience(content: AccessTokenContent, roleAudiences: string[]) {
  const requested = content.audience ?? resourceAudience(content.resource ?? []);
  if (requested !== undefined) return requested;
  const mapped = mappedAudiences(content.mappers ?? [], "access");
  const audiences = [
    ...new Set([...(mapped.length > 0 ? mapped : [content.client.clientId]), ...roleAudiences]),
  ];
  return audiences.length === 1 ? (audiences[0] as string) : audiences;
}

/**
 * Signs an access token: RFC 9068's header and claims plus Keycloak's `typ`, `azp`, `scope`,
 * `realm_access` and the profile claims the scope releases. Every grant mints through here.
 */
export function signAccessToken(keys: RealmKeys, content: AccessTokenContent): Promise<string> {
  const {
    client,
    user,
    scope,
    alg,
    audience,
    roles,
    dpopJkt,
    mappers,
    resource,
    groups,
    ...claims
  } = content;
  const access = roleClaims(roles, client, scope);
  return signJwt(
    keys,
    {
      jti: randomId(),
      ...claims,
      aud: accessTokenAudience(content, access.audiences),
      client_id: client.clientId,
      azp: client.clientId,
      typ: "Bearer",
      ...confirmation(dpopJkt),
      scope,
      ...userClaims(user, scope),
      ...mapperClaims(mappers ?? [], { user, roles, groups }, "access", access.claims),
    },
    { typ: "at+jwt", alg },
  );
}

/** Claims every token of a grant carries: who issued it, for whom, in which session. */
function grantClaims(grant: TokenGrant, now: number) {
  return {
    iss: grant.issuer,
    sub: grant.user.id,
    iat: now,
    jti: randomId(),
    azp: grant.client.clientId,
    sid: grant.session.id,
  };
}

/**
 * What the `claims` parameter and the acr add to an access token: Keycloak's `acr`, and the
 * names of the claims asked for at userinfo, which reads them from the token it is shown.
 */
function requestClaims(grant: TokenGrant) {
  const userinfo = requestedClaimNames(grant.claims?.userinfo, grant.client);
  return {
    ...(grant.acr ? { acr: grant.acr } : {}),
    ...(userinfo.length > 0 ? { [USERINFO_CLAIMS]: userinfo } : {}),
  };
}

/** The access token claim naming the claims the `claims` parameter asked userinfo for. */
export const USERINFO_CLAIMS = "userinfo_claims";

/**
 * Mints the access token (RFC 9068 plus Keycloak's claims), the ID token when `openid` was
 * granted, and a rotating refresh token whose record (a hash) is returned as an insert for
 * the caller to batch with its own writes.
 */
export async function mintTokens(db: Database, keys: RealmKeys, grant: TokenGrant, now: number) {
  const { realm, client, user, session, scope, offline } = grant;
  const roles = await rolesFor(db, client, user, scope);
  if (offline) requireOfflineAccess(roles);
  const accessLifespan = accessTokenLifespan(realm, client);
  const accessExp = now + accessLifespan;
  const refreshExp = refreshTokenExpiry(realm, client, session, offline, now);
  const scopeSet = grant.scopeSet ?? (await loadClientScopeSet(db, realm.id, client.id));
  const mappers = applicableMappers(scopeSet, client, scope);
  const groups = await groupsForMappers(db, user.id, mappers);

  const accessToken = await signAccessToken(keys, {
    ...grantClaims(grant, now),
    ...requestClaims(grant),
    exp: accessExp,
    auth_time: grant.authTime,
    client,
    user,
    scope,
    roles,
    alg: accessTokenAlg(realm, client),
    dpopJkt: grant.dpopJkt,
    mappers,
    groups,
    resource: grant.resource,
  });

  const refreshToken = await signJwt(
    keys,
    {
      ...grantClaims(grant, now),
      aud: grant.issuer,
      exp: refreshExp,
      // Keycloak's refresh token types: an offline token outlives the SSO session.
      typ: offline ? "Offline" : "Refresh",
      // RFC 9449 §5: a public client's refresh token is bound to its key too.
      ...confirmation(client.publicClient ? grant.dpopJkt : undefined),
      scope,
      ...(grant.grantedResources?.length ? { resource: grant.grantedResources } : {}),
    },
    { typ: "JWT" },
  );

  const idToken = hasScope(scope, "openid")
    ? await signIdToken(keys, {
        ...grant,
        now,
        accessToken,
        acr: grant.acr ?? undefined,
        requestedClaims: requestedClaimNames(grant.claims?.id_token, client),
        mappers,
        roles,
        groups,
      })
    : undefined;

  const refreshRecord = refreshTokenInsert(db, {
    tokenHash: await sha256(refreshToken),
    familyId: grant.familyId,
    realmId: realm.id,
    clientId: client.id,
    userId: user.id,
    sessionId: session.id,
    scope,
    authTime: grant.authTime,
    issuedAt: now,
    expiresAt: refreshExp,
    offline,
    claims: grant.claims ?? null,
    acr: grant.acr ?? null,
  });

  const response: TokenResponse = {
    access_token: accessToken,
    token_type: tokenType(grant.dpopJkt),
    expires_in: accessLifespan,
    refresh_token: refreshToken,
    refresh_expires_in: refreshExp - now,
    ...(idToken === undefined ? {} : { id_token: idToken }),
    scope,
    session_state: session.id,
    "not-before-policy": 0,
  };
  return { response, refreshRecord };
}
