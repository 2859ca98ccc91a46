import type { Client } from "../../db/clients";
import type { Realm } from "../../db/realms";
import type { Session } from "../../db/sessions";

/** The part of a session that bounds the tokens minted in it. */
export type SessionBounds = Pick<Session, "id" | "amr" | "expiresAt" | "createdAt">;

/** How long an access token lives: the client's `access.token.lifespan`, else the realm's. */
export function accessTokenLifespan(realm: Realm, client: Client): number {
  return client.accessTokenLifespan ?? realm.accessTokenLifespan;
}

/**
 * When a refresh token expires. An offline token lives while it is used within the offline
 * session idle timeout, whatever becomes of the browser session. An online one lives until
 * the session would go idle, and never past the session's end; a client's
 * `client.session.idle.timeout` and `client.session.max.lifespan` can only shorten that, as
 * in Keycloak. The client session is taken to start with the SSO session.
 */
export function refreshTokenExpiry(
  realm: Realm,
  client: Client,
  session: SessionBounds,
  offline: boolean,
  now: number,
): number {
  if (offline) return now + realm.offlineSessionIdleTimeout;

  const limits = [now + realm.ssoSessionIdleTimeout, session.expiresAt];
  if (client.clientSessionIdleTimeout !== null) limits.push(now + client.clientSessionIdleTimeout);
  if (client.clientSessionMaxLifespan !== null) {
    limits.push(session.createdAt + client.clientSessionMaxLifespan);
  }
  return Math.max(now, Math.min(...limits));
}
