import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../config";
import { sha256 } from "../../crypto/digest";
import { randomId, randomToken } from "../../crypto/random";
import { loadClientScopeSet } from "../../db/client-scopes";
import type { Client } from "../../db/clients";
import { storeDeviceCode } from "../../db/device-codes";
import { emitEvent } from "../../events/record";
import { OAuthError } from "../../http/errors";
import { formParams, validateParams } from "../../http/params";
import { nowSeconds } from "../../time";
import { grantedScope, parseScope } from "../scopes";
import { authenticateClient } from "../token/client-auth";
import { tokenServiceError } from "../token-service";
import { generateUserCode, userCodeHash } from "./user-code";

/** Keycloak's defaults: a device code lives ten minutes and is polled every five seconds. */
export const DEVICE_CODE_LIFETIME_SECONDS = 600;
export const DEVICE_POLL_INTERVAL_SECONDS = 5;

/** RFC 8628 §3.1 parameters. */
const deviceAuthorizationParams = z.object({
  scope: z.string().max(1024).optional(),
});

/** Keycloak's rule: only clients with `oauth2.device.authorization.grant.enabled` may ask. */
export function requireDeviceGrant(client: Client): void {
  if (!client.deviceGrantEnabled) {
    throw new OAuthError("unauthorized_client", "The client may not use the device grant.");
  }
}

/** The page where a person enters the user code (RFC 8628 §3.2 `verification_uri`). */
export function verificationUri(issuer: string): string {
  return `${issuer}/device`;
}

/**
 * The device authorization endpoint (RFC 8628 §3.1): the client authenticates as at the token
 * endpoint and gets a device code to poll with and a user code for the person to enter.
 */
export async function deviceAuthorizationEndpoint(c: Context<AppEnv>): Promise<Response> {
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");
  const { db, realm, issuer } = c.var;

  try {
    const params = await formParams(c);
    const client = await authenticateClient(c, params);
    const { scope } = validateParams(deviceAuthorizationParams, params);

    requireDeviceGrant(client);
    const { realmScopes } = await loadClientScopeSet(db, realm.id, client.id);
    const granted = grantedScope(parseScope(scope, realmScopes), client, realmScopes);

    const deviceCode = randomToken();
    const { userCode, normalized } = generateUserCode();
    const now = nowSeconds();
    await storeDeviceCode(
      db,
      {
        deviceCodeHash: await sha256(deviceCode),
        userCodeHash: await userCodeHash(c.env.KEY_ENCRYPTION_SECRET, normalized),
        realmId: realm.id,
        clientId: client.id,
        scope: granted,
        familyId: randomId(),
      },
      { expiresIn: DEVICE_CODE_LIFETIME_SECONDS, interval: DEVICE_POLL_INTERVAL_SECONDS },
      now,
    );

    emitEvent(c, "OAUTH2_DEVICE_AUTH", { clientId: client.clientId, details: { scope: granted } });
    // RFC 8628 §3.2: the response, with the user code in the complete URI for QR codes.
    const page = verificationUri(issuer);
    return c.json({
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: page,
      verification_uri_complete: `${page}?user_code=${encodeURIComponent(userCode)}`,
      expires_in: DEVICE_CODE_LIFETIME_SECONDS,
      interval: DEVICE_POLL_INTERVAL_SECONDS,
    });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return tokenServiceError(c, error, "device_authorization");
  }
}
