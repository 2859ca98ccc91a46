import type { Context } from "hono";
import type { AppEnv } from "../config";
import type { Client } from "../db/clients";
import { revokeFamilyOfToken } from "../db/refresh-tokens";
import { revokeAccessToken } from "../db/revoked-access-tokens";
import { revokedSubject } from "../events/protocol-events";
import { emitEvent } from "../events/record";
import { OAuthError } from "../http/errors";
import { formParams, validateParams } from "../http/params";
import { authenticateClient } from "./token/client-auth";
import {
  type PresentedToken,
  presentedTokenParams,
  readPresentedToken,
  tokenServiceError,
} from "./token-service";

/**
 * RFC 7009 §2.1: only the client a token was issued to may revoke it; another client's
 * request is refused, and the token stays usable by its owner.
 */
function checkIssuedTo(presented: PresentedToken, client: Client): void {
  if (presented.claims.azp !== client.clientId) {
    throw new OAuthError("invalid_request", "The token was issued to another client.");
  }
}

/**
 * The revocation endpoint (RFC 7009). Revoking a refresh token ends its whole refresh token
 * family; whatever is not a token of this realm is answered like a success (§2.2).
 */
export async function revocationEndpoint(c: Context<AppEnv>): Promise<Response> {
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");
  const { db, realm } = c.var;

  try {
    const params = await formParams(c);
    const client = await authenticateClient(c, params);
    const { token } = validateParams(presentedTokenParams, params);

    const presented = await readPresentedToken(c, token);
    if (presented?.kind === "refresh_token") {
      checkIssuedTo(presented, client);
      // A refresh racing this revocation sees its used token gone and revokes what it minted.
      await revokeFamilyOfToken(db, token, realm.id, client.id);
    } else if (presented?.kind === "access_token") {
      checkIssuedTo(presented, client);
      // On the deny list until it expires: userinfo, introspection and token exchange refuse
      // it. The session and its refresh tokens are left alone (RFC 7009 §2.1 makes ending
      // them optional); resource servers that only check the signature still accept it.
      await revokeAccessToken(db, realm.id, presented.claims);
    }
    emitEvent(c, "REVOKE_GRANT", { clientId: client.clientId, userId: revokedSubject(presented) });
    return c.body(null, 200);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return tokenServiceError(c, error, "revocation");
  }
}
