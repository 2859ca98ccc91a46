import type { Context } from "hono";
import type { AppEnv } from "../config";
import { endSession } from "../db/sessions";
import { announceSessionEnd } from "./backchannel/announce";
import { frontchannelLogoutUris } from "./frontchannel-logout";

/**
 * Ends a session where a person logs out in the browser, and tells its relying parties:
 * back-channel logout tokens go out after the response; the front-channel logout URIs are
 * returned for the page that follows.
 */
export async function endBrowserSession(c: Context<AppEnv>, sessionId: string) {
  const ended = await endSession(c.var.db, sessionId);
  const clients = await announceSessionEnd(c, ended);
  return ended ? frontchannelLogoutUris(c.var.issuer, ended.session, clients) : [];
}
