import type { Context } from "hono";
import type { JWTPayload } from "jose";
import type { AppEnv } from "../config";
import { findClient } from "../db/clients";
import { findRefreshToken, offlineSessionLives } from "../db/refresh-tokens";
import { isAccessTokenRevoked } from "../db/revoked-access-tokens";
import { findSessionById } from "../db/sessions";
import { findUserById } from "../db/users";
import { emitIntrospection } from "../events/protocol-events";
import { OAuthError } from "../http/errors";
import { formParams, validateParams } from "../http/params";
import { nowSeconds } from "../time";
import { boundJkt, tokenType } from "./dpop/binding";
import { introspectionClaims } from "./introspection-claims";
import { authenticateClient } from "./token/client-auth";
import { presentedTokenParams, readPresentedToken, tokenServiceError } from "./token-service";

type Introspection = Record<string, unknown>;

const INACTIVE: Introspection = { active: false };

/**
 * The user and issuing client behind a token, when both are still live, and so is its session.
 * A token without `sid` (client_credentials) has no session: it speaks for the client's
 * service account. Reads only: introspection writes nothing to D1.
 */
async function liveHolder(c: Context<AppEnv>, claims: JWTPayload, now: number) {
  const { db, realm } = c.var;
  const sessionless = claims.sid === undefined;
  const [session, user, client, revoked] = await Promise.all([
    sessionless ? undefined : findSessionById(db, realm, String(claims.sid), now),
    findUserById(db, realm.id, String(claims.sub ?? "")),
    findClient(db, realm.id, String(claims.azp ?? "")),
    isAccessTokenRevoked(db, realm.id, claims),
  ]);

  if (revoked || !user?.enabled || !client?.enabled) return undefined;
  if (sessionless) return { user, client };
  if (session) return session.userId === user.id ? { user, client } : undefined;
  // The browser session ended: tokens of an offline session it left behind stay active.
  const offline = await offlineSessionLives(db, String(claims.sid), user.id, now);
  return offline ? { user, client } : undefined;
}

/** An access token is active while it is unexpired and its session, if any, lives. */
async function introspectAccessToken(c: Context<AppEnv>, claims: JWTPayload, now: number) {
  const holder = await liveHolder(c, claims, now);
  if (!holder) return INACTIVE;

  // RFC 7662 §2.2 members next to the token's own claims, as Keycloak answers.
  return {
    active: true,
    ...(await introspectionClaims(c.var.db, holder.client, holder.user, claims)),
    client_id: holder.client.clientId,
    username: holder.user.username,
    token_type: tokenType(boundJkt(claims)),
  };
}

/** A refresh token is active while its record is stored, not yet rotated, and its session lives. */
async function introspectRefreshToken(
  c: Context<AppEnv>,
  token: string,
  claims: JWTPayload,
  now: number,
) {
  const [record, holder] = await Promise.all([
    findRefreshToken(c.var.db, token),
    liveHolder(c, claims, now),
  ]);

  // Revoked tokens have no record; a rotated one is spent (RFC 9700 §4.14.2).
  if (!record || record.rotatedAt !== null || !holder) return INACTIVE;
  if (record.realmId !== c.var.realm.id || record.clientId !== holder.client.id) return INACTIVE;
  if (record.sessionId !== claims.sid) return INACTIVE;

  return {
    active: true,
    ...claims,
    client_id: holder.client.clientId,
    username: holder.user.username,
    token_type: "Refresh",
  };
}

/**
 * The introspection endpoint (RFC 7662). Any confidential client of the realm may ask about
 * any token of the realm; whatever is invalid, expired, revoked or of an ended session is
 * `{"active": false}` and nothing more (§2.2).
 */
export async function introspectionEndpoint(c: Context<AppEnv>): Promise<Response> {
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");

  try {
    const params = await formParams(c);
    const client = await authenticateClient(c, params);
    // RFC 7662 §2.1 requires authorization: a public client proves nothing. Keycloak refuses
    // them too (with 403 invalid_request); 401 invalid_client is RFC 6749 §5.2's answer.
    if (client.publicClient) {
      throw new OAuthError("invalid_client", "Public clients may not introspect tokens.");
    }
    const { token } = validateParams(presentedTokenParams, params);

    const presented = await readPresentedToken(c, token);
    const now = nowSeconds();
    if (presented?.kind === "access_token") {
      const answer = await introspectAccessToken(c, presented.claims, now);
      return c.json(emitIntrospection(c, client.clientId, answer));
    }
    if (presented?.kind === "refresh_token") {
      const answer = await introspectRefreshToken(c, token, presented.claims, now);
      return c.json(emitIntrospection(c, client.clientId, answer));
    }
    // ID tokens and anything unverifiable are not tokens a resource server accepts.
    return c.json(emitIntrospection(c, client.clientId, INACTIVE));
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return tokenServiceError(c, error, "introspection");
  }
}
