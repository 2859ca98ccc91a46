import type { Context } from "hono";
import type { AppEnv, Env } from "../../config";
import { type Client, findClientsByIds } from "../../db/clients";
import type { EndedSession, Session } from "../../db/sessions";
import { logEvent } from "../../http/log";
import { realmKeys } from "../../keys/realm-keys";
import { nowSeconds } from "../../time";
import { deliverLogoutToken } from "./deliver";
import { signLogoutToken } from "./logout-token";

/**
 * Tells the relying parties of a session that just ended. Back-channel logout tokens
 * (Back-Channel Logout 1.0 §2.5) go out after the response, through waitUntil, so a slow or
 * failing relying party never slows or fails the logout. Returns the enabled clients that
 * took part, for front-channel logout.
 */
export async function announceSessionEnd(
  c: Context<AppEnv>,
  ended: EndedSession | undefined,
): Promise<Client[]> {
  if (!ended) return [];
  const { session } = ended;
  const clients = (await findClientsByIds(c.var.db, ended.clientIds)).filter(
    (client) => client.enabled && client.realmId === session.realmId,
  );

  const backchannel = clients.filter((client) => client.backchannelLogoutUrl);
  if (backchannel.length > 0) {
    const sending = sendLogoutTokens(c.env, c.var.issuer, session, backchannel).catch(() => {
      logEvent("logout.notify_failed", { realm: session.realmId, sessionId: session.id });
    });
    c.executionCtx.waitUntil(sending);
  }
  return clients;
}

async function sendLogoutTokens(env: Env, issuer: string, session: Session, clients: Client[]) {
  const keys = await realmKeys(env, session.realmId);
  const now = nowSeconds();

  await Promise.all(
    clients.map(async (client) =>
      deliverLogoutToken({
        realmId: session.realmId,
        clientId: client.clientId,
        url: client.backchannelLogoutUrl ?? "",
        logoutToken: await signLogoutToken(keys, { issuer, client, session, now }),
      }),
    ),
  );
}
