import type { Context } from "hono";
import type { AppEnv } from "../config";
import type { Database } from "../db/client";
import type { Realm } from "../db/realms";
import { findSessionBySecret, type Session } from "../db/sessions";
import { clearHostCookie, readHostCookie, setHostCookie } from "../http/cookies";

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

export function setSessionCookie(c: Context<AppEnv>, realm: Realm, secret: string): void {
  setHostCookie(c, cookieFor(realm), secret);
}

export function clearSessionCookie(c: Context<AppEnv>, realm: Realm): void {
  clearHostCookie(c, cookieFor(realm));
}
