import type { Context } from "hono";
import type { AppEnv } from "../config";
import { offlineSessionLives } from "../db/refresh-tokens";
import { findSessionById } from "../db/sessions";
import { findUserById } from "../db/users";
import { userinfoEvent } from "../events/login-events";
import { emitEvent } from "../events/record";
import { OAuthError } from "../http/errors";
import { formParams } from "../http/params";
import { realmKeys } from "../keys/realm-keys";
import { verifyJwt } from "../keys/sign";
import { nowSeconds } from "../time";
import { userClaims } from "./user-claims";

/** RFC 6750 §2.1 header, or §2.2 form body on POST. */
async function bearerToken(c: Context<AppEnv>): Promise<string> {
  const header = c.req.header("authorization");
  if (header?.toLowerCase().startsWith("bearer ")) return header.slice(7).trim();
  if (c.req.method === "POST" && header === undefined) {
    const form = await formParams(c).catch(() => ({}) as Record<string, string>);
    if (form.access_token) return form.access_token;
  }
  throw new OAuthError("invalid_request", "Missing access token.");
}

/** The UserInfo endpoint (OpenID Connect Core §5.3), for access tokens of a live session. */
export async function userinfoEndpoint(c: Context<AppEnv>): Promise<Response> {
  c.header("Cache-Control", "no-store");
  const { db, realm } = c.var;

  try {
    const token = await bearerToken(c);
    const keys = await realmKeys(c.env, realm.id);
    const claims = await verifyJwt(keys, token, { issuer: c.var.issuer, typ: "at+jwt" }).catch(
      () => {
        throw new OAuthError("invalid_token", "The access token is invalid or expired.");
      },
    );

    const now = nowSeconds();
    // A token without `sid` (client_credentials) speaks for a client, not a signed-in End-User
    // (OpenID Connect Core §5.3), so it is refused here, though Keycloak answers for service
    // accounts: the token itself already carries their sub and preferred_username.
    const sessionId = typeof claims.sid === "string" ? claims.sid : "";
    const [session, user] = await Promise.all([
      findSessionById(db, realm, sessionId, now),
      findUserById(db, realm.id, String(claims.sub)),
    ]);
    const live = session
      ? session.userId === user?.id
      : await offlineSessionLives(db, sessionId, user?.id ?? "", now);
    if (!live || !user?.enabled) {
      throw new OAuthError("invalid_token", "The session behind this token has ended.");
    }

    const scope = typeof claims.scope === "string" ? claims.scope : "";
    emitEvent(c, "USER_INFO_REQUEST", userinfoEvent(claims, user.id, scope));
    return c.json({ sub: user.id, ...userClaims(user, scope) });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    emitEvent(c, "USER_INFO_REQUEST_ERROR", { error: error.code });

    // RFC 6750 §3: the challenge names the error; a request without a token gets none.
    const challenge =
      error.code === "invalid_request"
        ? `Bearer realm="${realm.name}"`
        : `Bearer realm="${realm.name}", error="${error.code}", ` +
          `error_description="${error.description}"`;
    c.header("WWW-Authenticate", challenge);
    return c.json(error.toJSON(), error.code === "invalid_request" ? 401 : (error.status as 401));
  }
}
