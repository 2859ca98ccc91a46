import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { Realm } from "../db/realms";

/** Keycloak's name; the session status iframe reads it with `document.cookie`. */
export const SESSION_STATE_COOKIE = "KEYCLOAK_SESSION";

/** One realm's cookie only: the iframe under `/realms/{realm}/` sees no other realm's. */
function cookiePath(realm: Realm): string {
  return `/realms/${realm.name}/`;
}

/**
 * Sets the session state cookie (OpenID Connect Session Management 1.0 §3): the session's
 * public id, the `sid` every token carries, readable by script so the iframe can compare it.
 * It proves nothing by itself; the HttpOnly SSO cookie stays the credential. Over https it is
 * SameSite=None, so the iframe still reads it when a relying party on another site frames it.
 */
export function setSessionStateCookie(c: Context, realm: Realm, sessionId: string): void {
  const secure = new URL(c.req.url).protocol === "https:";
  setCookie(c, SESSION_STATE_COOKIE, sessionId, {
    path: cookiePath(realm),
    httpOnly: false,
    secure,
    sameSite: secure ? "None" : "Lax",
  });
}

export function clearSessionStateCookie(c: Context, realm: Realm): void {
  const secure = new URL(c.req.url).protocol === "https:";
  deleteCookie(c, SESSION_STATE_COOKIE, { path: cookiePath(realm), secure });
}
