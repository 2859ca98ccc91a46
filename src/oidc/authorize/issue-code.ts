import type { Context } from "hono";
import type { AppEnv } from "../../config";
import { storeAuthorizationCode } from "../../db/authorization-codes";
import type { Session } from "../../db/sessions";
import type { AuthorizationRequest } from "./request";
import { respondToClient } from "./respond";

/**
 * Issues an authorization code bound to the client, redirect_uri, PKCE challenge, nonce and
 * session, and sends it to the client.
 */
export async function issueCode(
  c: Context<AppEnv>,
  request: AuthorizationRequest,
  session: Session,
  now: number,
): Promise<Response> {
  const code = await storeAuthorizationCode(
    c.var.db,
    {
      realmId: c.var.realm.id,
      clientId: request.client.id,
      userId: session.userId,
      sessionId: session.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge ?? null,
      nonce: request.nonce ?? null,
      scope: request.scope,
      authTime: session.authTime,
    },
    now,
  );
  // Session Management 1.0 §3: session_state, Keycloak's value (the session id, which is the
  // tokens' `sid` and what the session state cookie holds).
  return respondToClient(c, request, { code, session_state: session.id });
}
