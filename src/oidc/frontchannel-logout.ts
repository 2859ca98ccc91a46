import type { Context } from "hono";
import { LoggedOutPage } from "../../templates/logged-out-page";
import type { AppEnv } from "../config";
import type { Client } from "../db/clients";
import type { Session } from "../db/sessions";
import { renderPage } from "../http/render";

/**
 * The front-channel logout URIs of a session's relying parties (Front-Channel Logout 1.0
 * §2): with `iss` and `sid` added when the client requires the session, keeping any query
 * the registered URI has.
 */
export function frontchannelLogoutUris(
  issuer: string,
  session: Session,
  clients: Client[],
): string[] {
  return clients.flatMap((client) => {
    if (!client.frontchannelLogoutUrl) return [];

    const uri = new URL(client.frontchannelLogoutUrl);
    if (client.frontchannelLogoutSessionRequired) {
      uri.searchParams.set("iss", issuer);
      uri.searchParams.set("sid", session.id);
    }
    return [uri.toString()];
  });
}

/**
 * The page after logout. With front-channel logout URIs, it frames them (CSP frame-src allows
 * exactly their origins) and goes on to `continueUrl` once they have loaded (§4).
 */
export function loggedOutPage(c: Context<AppEnv>, frontchannel: string[], continueUrl?: string) {
  if (frontchannel.length > 0) {
    c.set("frameSources", [...new Set(frontchannel.map((uri) => new URL(uri).origin))]);
  }
  const { t, locale } = c.var;
  const page = LoggedOutPage({ t, locale, continueUrl, frontchannelLogoutUris: frontchannel });
  return renderPage(c, page);
}
