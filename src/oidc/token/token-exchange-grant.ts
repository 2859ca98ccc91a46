import type { Context } from "hono";
import type { JWTPayload } from "jose";
import { z } from "zod";
import type { AppEnv } from "../../config";
import { type ClientScopeSet, loadClientScopeSet } from "../../db/client-scopes";
import { type Client, findClient } from "../../db/clients";
import { isAccessTokenRevoked } from "../../db/revoked-access-tokens";
import { findSessionById } from "../../db/sessions";
import { findUserById } from "../../db/users";
import { emitTokenIssued } from "../../events/protocol-events";
import { OAuthError } from "../../http/errors";
import { logEvent } from "../../http/log";
import { type Params, validateParams } from "../../http/params";
import { realmKeys } from "../../keys/realm-keys";
import { nowSeconds } from "../../time";
import { boundJkt, requireSameKey, tokenType } from "../dpop/binding";
import { groupsForMappers } from "../mapper-values";
import { allowedResources, applicableMappers } from "../protocol-mappers";
import { checkResources, parseResource } from "../resource";
import { readPresentedToken } from "../token-service";
import { accessTokenLifespan } from "./lifetimes";
import { signAccessToken } from "./mint";
import { narrowScope } from "./narrow-scope";
import { rolesFor } from "./role-claims";
import { accessTokenAlg } from "./signing-algs";

const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

/** RFC 8693 §2.1 parameters; `audience` may repeat and arrives space-separated. */
const exchangeParams = z.object({
  subject_token: z.string().max(8192),
  subject_token_type: z.string().max(128),
  requested_token_type: z.string().max(128).optional(),
  audience: z.string().max(4096).optional(),
  scope: z.string().max(1024).optional(),
  resource: z.string().max(4096).optional(),
});

/**
 * Keycloak's standard token exchange: confidential clients only (a public one has no client
 * authentication, RFC 6749 §5.2), and only those with `standard.token.exchange.enabled`.
 */
function requireExchangeClient(client: Client): void {
  if (client.publicClient) {
    throw new OAuthError("invalid_client", "Token exchange needs a client secret.");
  }
  if (!client.tokenExchangeEnabled) {
    throw new OAuthError("unauthorized_client", "The client may not exchange tokens.");
  }
}

/** What this realm exchanges: its own access tokens for access tokens, nothing else. */
function checkTokenTypes(params: Params): void {
  if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError("invalid_request", "Only access tokens can be exchanged.");
  }
  const requested = params.requested_token_type ?? ACCESS_TOKEN_TYPE;
  if (requested !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError("invalid_request", "Only an access token can be requested.");
  }
  // RFC 8693 §2.1: delegation needs an actor token; standard token exchange is impersonation.
  if (params.actor_token !== undefined || params.actor_token_type !== undefined) {
    throw new OAuthError("invalid_request", "Delegation with actor_token is not supported.");
  }
}

/**
 * RFC 8693 §2.2.2: a subject token not valid or not acceptable is invalid_request. Acceptable
 * here: an access token of this realm, unexpired, whose `aud` names the requesting client.
 */
async function verifySubjectToken(c: Context<AppEnv>, token: string, client: Client) {
  const presented = await readPresentedToken(c, token);
  if (presented?.kind !== "access_token") {
    throw new OAuthError("invalid_request", "The subject_token is invalid or expired.");
  }
  const claims = presented.claims;
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(client.clientId)) {
    throw new OAuthError("invalid_request", "The subject_token is not meant for this client.");
  }
  return claims;
}

/**
 * RFC 8693 §2.1 `resource`: held to RFC 8707's rules for the exchanging client (absolute URIs
 * it may ask for, else invalid_target).
 */
function checkExchangeResources(scopeSet: ClientScopeSet, client: Client, resource?: string) {
  return checkResources(parseResource(resource), allowedResources(scopeSet, client));
}

/**
 * Who the new token is for: the `audience` clients, each an enabled client of this realm
 * (§2.2.2), and the resources; the exchanging client when neither is named.
 */
async function resolveAudience(
  c: Context<AppEnv>,
  requested: string | undefined,
  client: Client,
  resources: string[],
) {
  const names = requested === undefined ? [] : [...new Set(requested.split(" "))];
  for (const name of names) {
    const target = await findClient(c.var.db, c.var.realm.id, name);
    if (!target?.enabled) throw new OAuthError("invalid_target", "Unknown audience.");
  }
  const audience = [...names, ...resources];
  if (audience.length === 0) return client.clientId;
  return audience.length === 1 ? (audience[0] as string) : audience;
}

/** The person behind the subject token, while their session lives (Keycloak's rule). */
async function liveSubject(c: Context<AppEnv>, claims: JWTPayload, now: number) {
  const { db, realm } = c.var;
  // A client_credentials token has no session: there is no person to speak for.
  const sessionId = typeof claims.sid === "string" ? claims.sid : "";
  const [session, user, revoked] = await Promise.all([
    findSessionById(db, realm, sessionId, now),
    findUserById(db, realm.id, String(claims.sub ?? "")),
    isAccessTokenRevoked(db, realm.id, claims),
  ]);
  if (revoked) throw new OAuthError("invalid_request", "The subject_token was revoked.");
  if (!session || !user?.enabled || session.userId !== user.id) {
    throw new OAuthError("invalid_request", "The session behind the subject_token has ended.");
  }
  return { session, user };
}

/**
 * The token exchange grant (RFC 8693) with Keycloak's standard token exchange semantics:
 * an access token meant for this client becomes one for the requested audience, with the
 * same person and session and at most the same scope. No refresh token is issued.
 */
export async function tokenExchangeGrant(c: Context<AppEnv>, client: Client, params: Params) {
  const { realm } = c.var;
  const request = validateParams(exchangeParams, params);
  requireExchangeClient(client);
  checkTokenTypes(params);

  const claims = await verifySubjectToken(c, request.subject_token, client);
  // RFC 9449 §7: a DPoP-bound subject token is used only with a proof of its key.
  requireSameKey(boundJkt(claims), c.var.dpopJkt);
  const scopeSet = await loadClientScopeSet(c.var.db, realm.id, client.id);
  const resources = checkExchangeResources(scopeSet, client, request.resource);
  const audience = await resolveAudience(c, request.audience, client, resources);
  const scope = narrowScope(typeof claims.scope === "string" ? claims.scope : "", request.scope);
  const now = nowSeconds();
  const { session, user } = await liveSubject(c, claims, now);
  // The exchanging client's protocol mappers shape the new token, as at its other grants.
  const mappers = applicableMappers(scopeSet, client, scope);

  const keys = await realmKeys(c.env, realm.id);
  const lifespan = accessTokenLifespan(realm, client);
  const accessToken = await signAccessToken(keys, {
    iss: c.var.issuer,
    sub: user.id,
    iat: now,
    exp: now + accessTokenLifespan(realm, client),
    sid: session.id,
    auth_time: session.authTime,
    client,
    user,
    scope,
    audience,
    roles: await rolesFor(c.var.db, client, user, scope),
    alg: accessTokenAlg(realm, client),
    dpopJkt: c.var.dpopJkt,
    mappers,
    groups: await groupsForMappers(c.var.db, user.id, mappers),
  });
  logEvent("token.issued", {
    realm: realm.id,
    client: client.clientId,
    userId: user.id,
    grant: "token_exchange",
  });
  const issued = { clientId: client.clientId, userId: user.id, sessionId: session.id, scope };
  emitTokenIssued(c, "TOKEN_EXCHANGE", issued);
  // RFC 8693 §2.2.1, with Keycloak's extra members.
  return {
    access_token: accessToken,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: tokenType(c.var.dpopJkt),
    expires_in: lifespan,
    scope,
    session_state: session.id,
    "not-before-policy": 0,
  };
}
