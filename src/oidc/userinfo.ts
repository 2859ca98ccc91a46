import type { Context } from "hono";
import type { AppEnv } from "../config";
import type { Database } from "../db/client";
import { loadClientScopeSet } from "../db/client-scopes";
import { findClient } from "../db/clients";
import type { Realm } from "../db/realms";
import { offlineSessionLives } from "../db/refresh-tokens";
import { isAccessTokenRevoked } from "../db/revoked-access-tokens";
import { findSessionById } from "../db/sessions";
import type { User } from "../db/users";
import { findUserById } from "../db/users";
import { userinfoEvent } from "../events/login-events";
import { emitEvent } from "../events/record";
import { OAuthError } from "../http/errors";
import { formParams } from "../http/params";
import { realmKeys } from "../keys/realm-keys";
import { verifyJwt } from "../keys/sign";
import { nowSeconds } from "../time";
import { requestedUserClaims } from "./claims-request";
import { boundJkt } from "./dpop/binding";
import { checkPossession, dpopChallenge, type PresentedAccessToken } from "./dpop/resource";
import { mapperSubject } from "./mapper-values";
import { applicableMappers, mapperClaims } from "./protocol-mappers";
import { USERINFO_CLAIMS } from "./token/mint";
import { userClaims } from "./user-claims";

/** RFC 6750 §2.1 or RFC 9449 §7.1 header, or RFC 6750 §2.2 form body on POST. */
async function presentedToken(c: Context<AppEnv>): Promise<PresentedAccessToken> {
  const header = c.req.header("authorization");
  if (header === undefined) {
    const form =
      c.req.method === "POST"
        ? await formParams(c).catch(() => ({}) as Record<string, string>)
        : {};
    if (form.access_token) return { scheme: "Bearer", token: form.access_token };
  } else if (header.toLowerCase().startsWith("bearer ")) {
    return { scheme: "Bearer", token: header.slice(7).trim() };
  } else if (header.toLowerCase().startsWith("dpop ")) {
    return { scheme: "DPoP", token: header.slice(5).trim() };
  }
  throw new OAuthError("invalid_request", "Missing access token.");
}

/** What the protocol mappers of the token's client release at UserInfo for this scope. */
async function mappedUserinfoClaims(
  db: Database,
  realm: Realm,
  azp: unknown,
  user: User,
  scope: string,
) {
  const client = typeof azp === "string" ? await findClient(db, realm.id, azp) : undefined;
  if (!client) return {};
  const set = await loadClientScopeSet(db, realm.id, client.id);
  const mappers = applicableMappers(set, client, scope);
  return mapperClaims(mappers, await mapperSubject(db, client, user, scope, mappers), "userinfo");
}

/** The UserInfo endpoint (OpenID Connect Core §5.3), for access tokens of a live session. */
export async function userinfoEndpoint(c: Context<AppEnv>): Promise<Response> {
  c.header("Cache-Control", "no-store");
  const { db, realm } = c.var;
  let scheme: PresentedAccessToken["scheme"] = "Bearer";

  try {
    const presented = await presentedToken(c);
    scheme = presented.scheme;
    const keys = await realmKeys(c.env, realm.id);
    const claims = await verifyJwt(keys, presented.token, {
      issuer: c.var.issuer,
      typ: "at+jwt",
    }).catch(() => {
      throw new OAuthError("invalid_token", "The access token is invalid or expired.");
    });
    if (boundJkt(claims)) scheme = "DPoP";
    await checkPossession(c, presented, claims);

    const now = nowSeconds();
    // A token without `sid` (client_credentials) speaks for a client, not a signed-in End-User
    // (OpenID Connect Core §5.3), so it is refused here, though Keycloak answers for service
    // accounts: the token itself already carries their sub and preferred_username.
    const sessionId = typeof claims.sid === "string" ? claims.sid : "";
    const [session, user, revoked] = await Promise.all([
      findSessionById(db, realm, sessionId, now),
      findUserById(db, realm.id, String(claims.sub)),
      isAccessTokenRevoked(db, realm.id, claims),
    ]);
    if (revoked) throw new OAuthError("invalid_token", "The access token was revoked.");
    const live = session
      ? session.userId === user?.id
      : await offlineSessionLives(db, sessionId, user?.id ?? "", now);
    if (!live || !user?.enabled) {
      throw new OAuthError("invalid_token", "The session behind this token has ended.");
    }

    const scope = typeof claims.scope === "string" ? claims.scope : "";
    // OpenID Connect Core §5.5: claims the `claims` parameter asked userinfo for, as the
    // access token names them (checked against the client's scopes when it was minted).
    const asked = claims[USERINFO_CLAIMS];
    const names = Array.isArray(asked) ? asked.filter((name) => typeof name === "string") : [];
    const mapped = await mappedUserinfoClaims(db, realm, claims.azp, user, scope);
    emitEvent(c, "USER_INFO_REQUEST", userinfoEvent(claims, user.id, scope));
    return c.json({
      ...userClaims(user, scope),
      ...requestedUserClaims(user, names),
      ...mapped,
      sub: user.id,
    });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    emitEvent(c, "USER_INFO_REQUEST_ERROR", { error: error.code });

    // RFC 6750 §3: the challenge names the error; a request without a token gets none.
    const unnamed = error.code === "invalid_request";
    if (scheme === "DPoP") {
      c.header("WWW-Authenticate", dpopChallenge(realm.name, unnamed ? undefined : error));
      return c.json(error.toJSON(), 401);
    }
    const challenge = unnamed
      ? `Bearer realm="${realm.name}"`
      : `Bearer realm="${realm.name}", error="${error.code}", ` +
        `error_description="${error.description}"`;
    c.header("WWW-Authenticate", challenge);
    return c.json(error.toJSON(), unnamed ? 401 : (error.status as 401));
  }
}
