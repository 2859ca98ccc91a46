import { randomId } from "../../crypto/random";
import type { Client } from "../../db/clients";
import type { Session } from "../../db/sessions";
import type { RealmKeys } from "../../keys/realm-keys";
import { signJwt } from "../../keys/sign";

/** Back-Channel Logout 1.0 §2.4: the event that makes a JWT a logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/**
 * Two minutes: the token is delivered at once, and a short life bounds what a captured one
 * could do; receivers should also reject reused `jti`s (§2.6).
 */
export const LOGOUT_TOKEN_LIFETIME_SECONDS = 120;

export interface LogoutTokenInput {
  issuer: string;
  client: Client;
  session: Session;
  now: number;
}

/**
 * Signs a logout token (Back-Channel Logout 1.0 §2.4) for one relying party with the realm's
 * ID token key: `typ: logout+jwt` (§2.4, RFC 8725 §3.11), `sid` when the client requires it,
 * and never a `nonce`, so it cannot pass as an ID token.
 */
export function signLogoutToken(keys: RealmKeys, input: LogoutTokenInput): Promise<string> {
  const { issuer, client, session, now } = input;
  return signJwt(
    keys,
    {
      iss: issuer,
      aud: client.clientId,
      iat: now,
      exp: now + LOGOUT_TOKEN_LIFETIME_SECONDS,
      jti: randomId(),
      sub: session.userId,
      ...(client.backchannelLogoutSessionRequired ? { sid: session.id } : {}),
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      // Keycloak's own claim for the token's kind, kept for its adapters.
      typ: "Logout",
    },
    // The ID token's algorithm (mint.ts), so relying parties verify it the same way.
    { typ: "logout+jwt", alg: "RS256" },
  );
}
