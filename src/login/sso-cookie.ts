import type { Context } from "hono";
import type { AppEnv } from "../config";
import type { Database } from "../db/client";
import type { Realm } from "../db/realms";
import { findSessionBySecret, type Session } from "../db/sessions";
import { clearHostCookie, readHostCookie, setHostCookie } from "../http/cookies";
import { clearSessionStateCookie, setSessionStateCookie } from "./session-state-cookie";

/** One SSO cookie per realm; realm names are limited to cookie-safe characters. */
function cookieFor(realm: Realm): string {
  return `lk_sso_${realm.name}`;
}

/** The browser's live SSO session in this realm, if its cookie names one. */
export async function currentSession(
  c: Context<AppEnv>,
  db: Database,
  realm: Realm,
  now: number,
): Promise<Session | undefined> {
  const secret = readHostCookie(c, cookieFor(realm));
  if (!secret || secret.length > 128) return undefined;
  return findSessionBySecret(db, realm, secret, now);
}

/** Sets the SSO cookie, and beside it the session state cookie the status iframe reads. */
export function setSessionCookie(
  c: Context<AppEnv>,
  realm: Realm,
  secret: string,
  sessionId: string,
): void {
  setHostCookie(c, cookieFor(realm), secret);
  setSessionStateCookie(c, realm, sessionId);
}

export function clearSessionCookie(c: Context<AppEnv>, realm: Realm): void {
  clearHostCookie(c, cookieFor(realm));
  clearSessionStateCookie(c, realm);
}
