import type { Context } from "hono";
import type { AppEnv } from "../../config";
import { OAuthError } from "../../http/errors";
import { formParams } from "../../http/params";
import { tokenRequestKey } from "../dpop/binding";
import { tokenServiceError } from "../token-service";
import { authorizationCodeGrant } from "./authorization-code-grant";
import { authenticateClient } from "./client-auth";
import { clientCredentialsGrant } from "./client-credentials-grant";
import { deviceCodeGrant } from "./device-code-grant";
import { passwordGrant } from "./password-grant";
import { refreshTokenGrant } from "./refresh-token-grant";
import { tokenExchangeGrant } from "./token-exchange-grant";

const grants = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
  password: passwordGrant,
  "urn:ietf:params:oauth:grant-type:device_code": deviceCodeGrant,
  "urn:ietf:params:oauth:grant-type:token-exchange": tokenExchangeGrant,
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
    c.set("dpopJkt", await tokenRequestKey(c, client));
    return c.json(await grant(c, client, params));
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return tokenServiceError(c, error, "token");
  }
}
