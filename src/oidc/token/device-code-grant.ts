import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../config";
import { sha256 } from "../../crypto/digest";
import type { Client } from "../../db/clients";
import {
  consumeApprovedDeviceCode,
  type DeviceCode,
  deviceCodeRow,
  pollDeviceCode,
  revokeReplayedDeviceCode,
} from "../../db/device-codes";
import { revokeFamily } from "../../db/refresh-tokens";
import { findSessionById } from "../../db/sessions";
import { findUserById } from "../../db/users";
import { emitTokenIssued } from "../../events/protocol-events";
import { OAuthError } from "../../http/errors";
import { logEvent } from "../../http/log";
import { type Params, validateParams } from "../../http/params";
import { realmKeys } from "../../keys/realm-keys";
import { nowSeconds } from "../../time";
import { requireDeviceGrant } from "../device/authorization-endpoint";
import { hasScope } from "../scopes";
import { mintTokens } from "./mint";

/** RFC 8628 §3.4 parameters. */
const deviceCodeParams = z.object({
  device_code: z.string().max(512),
});

/**
 * Why a device code that is not ready gives no tokens (RFC 8628 §3.5), checked in this order:
 * a replay first, since it revokes what the code gave before.
 */
async function refuse(
  c: Context<AppEnv>,
  client: Client,
  code: DeviceCode | undefined,
  now: number,
  tooSoon: boolean,
): Promise<never> {
  const { db, realm } = c.var;
  if (!code) throw new OAuthError("invalid_grant", "The device code is invalid.");

  if (code.consumedAt !== null) {
    await revokeReplayedDeviceCode(db, code);
    logEvent("code.replayed", { realm: realm.id, client: client.clientId });
    throw new OAuthError("invalid_grant", "The device code was already used.");
  }
  if (now >= code.expiresAt) throw new OAuthError("expired_token", "The device code expired.");
  if (code.status === "denied") throw new OAuthError("access_denied", "The person declined.");
  if (tooSoon) throw new OAuthError("slow_down", "Polling too fast; wait 5 seconds longer.");
  throw new OAuthError("authorization_pending", "The person has not answered yet.");
}

/**
 * The device code grant (RFC 8628 §3.4): tokens once the person approved, issued once, in
 * the session the approval was given in; until then, the reason to keep polling or stop.
 */
export async function deviceCodeGrant(c: Context<AppEnv>, client: Client, params: Params) {
  const { db, realm } = c.var;
  const { device_code: presented } = validateParams(deviceCodeParams, params);
  requireDeviceGrant(client);

  const now = nowSeconds();
  const hash = await sha256(presented);
  const code = await consumeApprovedDeviceCode(db, hash, client.id, now);
  if (!code) {
    const poll = await pollDeviceCode(db, hash, client.id, now);
    return refuse(c, client, poll.code, now, poll.tooSoon);
  }

  const [session, user] = await Promise.all([
    findSessionById(db, realm, code.sessionId ?? "", now),
    findUserById(db, realm.id, code.userId ?? ""),
  ]);
  if (!session || !user?.enabled || session.userId !== user.id) {
    throw new OAuthError("invalid_grant", "The session the device was approved in has ended.");
  }

  const keys = await realmKeys(c.env, realm.id);
  const { response, refreshRecord } = await mintTokens(
    db,
    keys,
    {
      realm,
      issuer: c.var.issuer,
      client,
      user,
      session,
      scope: code.scope,
      authTime: code.authTime ?? session.authTime,
      familyId: code.familyId,
      offline: hasScope(code.scope, "offline_access"),
      dpopJkt: c.var.dpopJkt,
      acr: code.acr,
    },
    now,
  );
  // A replay racing this exchange deletes the code's row: seeing that, revoke what was minted.
  const [, codeRow] = await db.batch([refreshRecord, deviceCodeRow(db, hash)]);
  if (codeRow.length === 0) await revokeFamily(db, code.familyId);
  logEvent("token.issued", {
    realm: realm.id,
    client: client.clientId,
    userId: user.id,
    grant: "device_code",
  });
  const issued = { clientId: client.clientId, userId: user.id, sessionId: session.id };
  emitTokenIssued(c, "OAUTH2_DEVICE_CODE_TO_TOKEN", { ...issued, scope: code.scope });
  return response;
}
