import type { Context } from "hono";
import type { AppEnv } from "../config";
import type { Client } from "../db/clients";
import { PUSHED_REQUEST_LIFETIME_SECONDS, storePushedRequest } from "../db/pushed-requests";
import { emitEvent } from "../events/record";
import { OAuthError, PageError } from "../http/errors";
import { formParams, type Params } from "../http/params";
import { nowSeconds } from "../time";
import { parseAuthorizationRequest, RedirectableError } from "./authorize/request";
import { requestObjectParams } from "./authorize/request-object";
import { checkDpopProof } from "./dpop/check";
import { authenticateClient } from "./token/client-auth";
import { tokenServiceError } from "./token-service";

/** Client authentication belongs to this request, not to the authorization request it pushes. */
const CLIENT_AUTHENTICATION = ["client_secret", "client_assertion", "client_assertion_type"];

/** The pushed authorization request's own parameters, naming the authenticated client. */
function authorizationParams(client: Client, params: Params): Params {
  // RFC 9126 §2.1: request_uri cannot be pushed; it is what the push answers with.
  if (params.request_uri !== undefined) {
    throw new OAuthError("invalid_request", "request_uri is not allowed in a pushed request.");
  }
  const pushed = Object.fromEntries(
    Object.entries(params).filter(([name]) => !CLIENT_AUTHENTICATION.includes(name)),
  );
  return { ...pushed, client_id: client.clientId };
}

/**
 * RFC 9449 §10.1: a DPoP proof sent with the push binds the code to its key, as dpop_jkt
 * would; when both come, they must name the same key.
 */
async function withProofKey(c: Context<AppEnv>, pushed: Params): Promise<Params> {
  const proof = await checkDpopProof(c);
  if (!proof) return pushed;
  if (pushed.dpop_jkt !== undefined && pushed.dpop_jkt !== proof.jkt) {
    throw new OAuthError("invalid_dpop_proof", "dpop_jkt does not name the DPoP proof's key.");
  }
  return { ...pushed, dpop_jkt: proof.jkt };
}

/**
 * RFC 9126 §2.1: the pushed request gets the checks the authorization endpoint applies; each
 * failure is answered as JSON (§2.3), the redirect_uri's among them.
 */
async function validatePushed(c: Context<AppEnv>, params: Params): Promise<void> {
  try {
    await parseAuthorizationRequest(c.var.db, c.var.realm, params, "pushed");
  } catch (error) {
    if (error instanceof RedirectableError) throw error.error;
    if (error instanceof PageError) {
      throw new OAuthError("invalid_request", "The client or redirect_uri is not valid.");
    }
    throw error;
  }
}

/**
 * The pushed authorization request endpoint (RFC 9126): the client authenticates as at the
 * token endpoint and gets a one-time request_uri for its validated request.
 */
export async function pushedAuthorizationRequestEndpoint(c: Context<AppEnv>): Promise<Response> {
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");

  try {
    const params = await formParams(c);
    const client = await authenticateClient(c, params);
    const direct = authorizationParams(client, params);
    // RFC 9126 §3: a request object may be pushed; its parameters are what gets stored.
    const pushed = await withProofKey(
      c,
      direct.request === undefined ? direct : await requestObjectParams(c, client, direct),
    );

    await validatePushed(c, pushed);

    const requestUri = await storePushedRequest(c.var.db, client.id, pushed, nowSeconds());
    emitEvent(c, "PUSHED_AUTHORIZATION_REQUEST", { clientId: client.clientId });
    return c.json({ request_uri: requestUri, expires_in: PUSHED_REQUEST_LIFETIME_SECONDS }, 201);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return tokenServiceError(c, error, "pushed_authorization_request");
  }
}
