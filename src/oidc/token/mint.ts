import { base64url } from "jose";
import { sha256 } from "../../crypto/digest";
import { randomId } from "../../crypto/random";
import type { Database } from "../../db/client";
import type { Client } from "../../db/clients";
import type { Realm } from "../../db/realms";
import { refreshTokenInsert } from "../../db/refresh-tokens";
import type { User } from "../../db/users";
import type { RealmKeys } from "../../keys/realm-keys";
import { signJwt } from "../../keys/sign";
import { hasScope } from "../scopes";
import { userClaims } from "../user-claims";

/** What a grant hands over to be turned into tokens. */
export interface TokenGrant {
  realm: Realm;
  issuer: string;
  client: Client;
  user: User;
  sessionId: string;
  scope: string;
  authTime: number;
  amr: string[];
  familyId: string;
  nonce?: string;
}

/** The token endpoint's successful answer (RFC 6749 §5.1), with Keycloak's extra members. */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
  id_token?: string;
  scope: string;
  session_state: string;
  "not-before-policy": 0;
}

/** OpenID Connect Core §3.1.3.6: the left half of the SHA-256 of the access token. */
async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(accessToken)),
  );
  return base64url.encode(digest.slice(0, digest.length / 2));
}

/**
 * Mints the access token (RFC 9068 plus Keycloak's claims), the ID token when `openid` was
 * granted, and a rotating refresh token whose record (a hash) is returned as an insert for
 * the caller to batch with its own writes.
 */
export async function mintTokens(db: Database, keys: RealmKeys, grant: TokenGrant, now: number) {
  const { realm, issuer, client, user } = grant;
  const accessExp = now + realm.accessTokenLifespan;
  const refreshExp = Math.min(now + realm.ssoSessionIdleTimeout, now + realm.ssoSessionMaxLifespan);
  const profile = userClaims(user, grant.scope);

  const accessToken = await signJwt(
    keys,
    {
      iss: issuer,
      sub: user.id,
      aud: client.clientId,
      exp: accessExp,
      iat: now,
      auth_time: grant.authTime,
      jti: randomId(),
      client_id: client.clientId,
      typ: "Bearer",
      azp: client.clientId,
      sid: grant.sessionId,
      scope: grant.scope,
      realm_access: { roles: [] },
      ...profile,
    },
    { typ: "at+jwt" },
  );

  const refreshToken = await signJwt(
    keys,
    {
      iss: issuer,
      sub: user.id,
      aud: issuer,
      exp: refreshExp,
      iat: now,
      jti: randomId(),
      typ: "Refresh",
      azp: client.clientId,
      sid: grant.sessionId,
      scope: grant.scope,
    },
    { typ: "JWT" },
  );

  const idToken = hasScope(grant.scope, "openid")
    ? await signJwt(
        keys,
        {
          iss: issuer,
          sub: user.id,
          aud: client.clientId,
          exp: accessExp,
          iat: now,
          auth_time: grant.authTime,
          jti: randomId(),
          typ: "ID",
          azp: client.clientId,
          sid: grant.sessionId,
          amr: grant.amr,
          at_hash: await accessTokenHash(accessToken),
          ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
          ...profile,
        },
        // OpenID Connect's default id_token_signed_response_alg is RS256.
        { typ: "JWT", alg: "RS256" },
      )
    : undefined;

  const refreshRecord = refreshTokenInsert(db, {
    tokenHash: await sha256(refreshToken),
    familyId: grant.familyId,
    realmId: realm.id,
    clientId: client.id,
    userId: user.id,
    sessionId: grant.sessionId,
    scope: grant.scope,
    authTime: grant.authTime,
    issuedAt: now,
    expiresAt: refreshExp,
  });

  const response: TokenResponse = {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: realm.accessTokenLifespan,
    refresh_token: refreshToken,
    refresh_expires_in: refreshExp - now,
    ...(idToken === undefined ? {} : { id_token: idToken }),
    scope: grant.scope,
    session_state: grant.sessionId,
    "not-before-policy": 0,
  };
  return { response, refreshRecord };
}
