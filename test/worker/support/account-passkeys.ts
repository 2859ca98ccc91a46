import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { passkeys, sessions, users } from "../../../src/db/schema";
import type { SoftwareAuthenticator, Tampering } from "./authenticator";
import { Browser, readForm } from "./browser";
import { signIn } from "./oidc";
import { db } from "./passkeys";
import { ORIGIN } from "./realm";
import { realmId } from "./store";

export const accountUrl = (realm: string) => `${ORIGIN}/realms/${realm}/account`;
const passkeysUrl = (realm: string) => `${accountUrl(realm)}/passkeys`;

/** A browser in which Ada (password, no passkey yet) has just signed in. */
export async function signedInAda(realm: string): Promise<Browser> {
  const browser = new Browser();
  const response = await signIn(browser, `${ORIGIN}/realms/${realm}/login-actions/authenticate`);
  expect(response.status).toBe(303);
  return browser;
}

/** The account page's HTML and its CSRF token. */
export async function openAccount(browser: Browser, realm: string, language = "en") {
  const response = await browser.fetch(accountUrl(realm), {
    headers: { "accept-language": language },
  });
  expect(response.status).toBe(200);
  const html = await response.text();
  return { html, csrf: readForm(html, accountUrl(realm)).hidden.csrf_token ?? "" };
}

/** Asks for creation options for a new passkey, as the account page's script does. */
export async function addPasskeyOptions(browser: Browser, realm: string, csrf: string) {
  return browser.post(`${passkeysUrl(realm)}/registration-options`, { csrf_token: csrf });
}

/** Posts a new passkey's credential, as the account page's add form does. */
export function postNewPasskey(browser: Browser, realm: string, csrf: string, credential: unknown) {
  return browser.post(`${passkeysUrl(realm)}/registration`, {
    csrf_token: csrf,
    credential: typeof credential === "string" ? credential : JSON.stringify(credential),
  });
}

/** Runs the whole "Add a passkey" ceremony with the authenticator; returns the final answer. */
export async function addPasskey(
  browser: Browser,
  realm: string,
  authenticator: SoftwareAuthenticator,
  tamper: Tampering = {},
) {
  const { csrf } = await openAccount(browser, realm);
  const options = await addPasskeyOptions(browser, realm, csrf);
  expect(options.status).toBe(200);
  const json = (await options.json()) as Parameters<SoftwareAuthenticator["create"]>[0];
  return postNewPasskey(browser, realm, csrf, await authenticator.create(json, tamper));
}

/** Posts the rename form for one passkey. */
export async function renamePasskey(browser: Browser, realm: string, id: string, name: string) {
  const { csrf } = await openAccount(browser, realm);
  return browser.post(`${passkeysUrl(realm)}/rename`, { csrf_token: csrf, passkey_id: id, name });
}

/** Posts the remove form for one passkey. */
export async function removePasskey(browser: Browser, realm: string, id: string, language = "en") {
  const { csrf } = await openAccount(browser, realm);
  return browser.fetch(`${passkeysUrl(realm)}/remove`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "accept-language": language,
    },
    body: new URLSearchParams({ csrf_token: csrf, passkey_id: id }).toString(),
  });
}

/** One person's stored passkeys, oldest first. */
export function passkeysOf(userId: string) {
  return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(passkeys.createdAt);
}

/** Moves every session's sign-in back by `seconds`, as if the person signed in long ago. */
export async function ageSignIns(userId: string, seconds: number) {
  const now = Math.floor(Date.now() / 1000);
  await db
    .update(sessions)
    .set({ authTime: now - seconds })
    .where(eq(sessions.userId, userId));
}

/** The id of the user with an email in a realm. */
export async function userIdOf(realm: string, email: string): Promise<string> {
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.realmId, await realmId(realm)), eq(users.email, email)));
  if (!user) throw new Error(`no user ${email} in ${realm}`);
  return user.id;
}
