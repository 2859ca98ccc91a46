import type { Context } from "hono";
import type { AppEnv } from "../../config";
import { storeAuthorizationCode } from "../../db/authorization-codes";
import type { Session } from "../../db/sessions";
import { findUserById } from "../../db/users";
import { PageError } from "../../http/errors";
import { realmKeys } from "../../keys/realm-keys";
import { requestedClaimNames } from "../claims-request";
import { signIdToken } from "../id-token";
import { mapperSubject } from "../mapper-values";
import { applicableMappers } from "../protocol-mappers";
import type { Acr } from "./acr";
import type { AuthorizationRequest } from "./request";
import { respondToClient } from "./respond";

/**
 * Stores an authorization code bound to the client, redirect_uri, PKCE, nonce and session,
 * with the claims asked for and the authentication's acr for the tokens it is exchanged for.
 */
function storeCode(
  c: Context<AppEnv>,
  request: AuthorizationRequest,
  session: Session,
  now: number,
  acr: Acr,
) {
  return storeAuthorizationCode(
    c.var.db,
    {
      realmId: c.var.realm.id,
      clientId: request.client.id,
      userId: session.userId,
      sessionId: session.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge ?? null,
      dpopJkt: request.dpopJkt ?? null,
      nonce: request.nonce ?? null,
      scope: request.scope,
      resource: request.resource.length > 0 ? request.resource.join(" ") : null,
      authTime: session.authTime,
      claims: request.claims ?? null,
      acr,
      acrValues: request.acrValues ?? null,
    },
    now,
  );
}

/** OpenID Connect Core §3.2.2.5 and §3.3.2.5: the ID token of an implicit or hybrid response. */
async function frontChannelIdToken(
  c: Context<AppEnv>,
  request: AuthorizationRequest,
  session: Session,
  now: number,
  acr: Acr,
  code?: string,
): Promise<string> {
  const user = await findUserById(c.var.db, c.var.realm.id, session.userId);
  // The session's person was there a moment ago; gone now means deleted in between.
  if (!user?.enabled) throw new PageError("error.internal", 500);

  const mappers = applicableMappers(request.scopeSet, request.client, request.scope);
  const subject = await mapperSubject(c.var.db, request.client, user, request.scope, mappers);
  return signIdToken(await realmKeys(c.env, c.var.realm.id), {
    realm: c.var.realm,
    issuer: c.var.issuer,
    client: request.client,
    user,
    session,
    scope: request.scope,
    authTime: session.authTime,
    nonce: request.nonce,
    now,
    code,
    acr,
    requestedClaims: requestedClaimNames(request.claims?.id_token, request.client),
    mappers,
    roles: subject.roles,
    groups: subject.groups,
  });
}

/**
 * Answers a granted authorization request: an authorization code, an ID token, or both, as
 * the response type asks, sent to the client's redirect_uri.
 */
export async function issueCode(
  c: Context<AppEnv>,
  request: AuthorizationRequest,
  session: Session,
  now: number,
  acr: Acr,
): Promise<Response> {
  // Session Management 1.0 §3: session_state, Keycloak's value (the session id, which is the
  // tokens' `sid` and what the session state cookie holds).
  const sessionState = { session_state: session.id };
  if (request.responseType === "code") {
    const code = await storeCode(c, request, session, now, acr);
    return respondToClient(c, request, { code, ...sessionState });
  }
  if (request.responseType === "id_token") {
    const idToken = await frontChannelIdToken(c, request, session, now, acr);
    return respondToClient(c, request, { id_token: idToken, ...sessionState });
  }
  const code = await storeCode(c, request, session, now, acr);
  const idToken = await frontChannelIdToken(c, request, session, now, acr, code);
  return respondToClient(c, request, { code, id_token: idToken, ...sessionState });
}
