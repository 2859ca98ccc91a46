import type { Context } from "hono";
import type { AppEnv } from "../../config";
import { OAuthError } from "../../http/errors";
import { logEvent } from "../../http/log";
import { formParams } from "../../http/params";
import { authorizationCodeGrant } from "./authorization-code-grant";
import { authenticateClient } from "./client-auth";
import { clientCredentialsGrant } from "./client-credentials-grant";
import { refreshTokenGrant } from "./refresh-token-grant";

const grants = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
} as const;

/** The token endpoint (RFC 6749 §3.2): authenticate the client, then run its grant. */
export async function tokenEndpoint(c: Context<AppEnv>): Promise<Response> {
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");

  try {
    const params = await formParams(c);
    const grantType = params.grant_type;
    if (!grantType) throw new OAuthError("invalid_request", "Missing grant_type.");

    // Own keys only: `toString` or `__proto__` must not reach Object.prototype.
    if (!Object.hasOwn(grants, grantType)) {
      throw new OAuthError("unsupported_grant_type", "Unsupported grant_type.");
    }
    const grant = grants[grantType as keyof typeof grants];

    const client = await authenticateClient(c, params);
    return c.json(await grant(c, client, params));
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    logEvent("token.failed", { realm: c.var.realm.id, error: error.code });

    // RFC 6749 §5.2: a failed client authentication answers 401 with a challenge.
    if (error.code === "invalid_client") {
      c.header("WWW-Authenticate", `Basic realm="${c.var.realm.name}"`);
    }
    return c.json(error.toJSON(), error.status as 400);
  }
}
