import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { database } from "../../../src/db/client";
import { passkeys, webauthnChallenges } from "../../../src/db/schema";
import type { SoftwareAuthenticator, Tampering } from "./authenticator";
import { Browser, readForm } from "./browser";
import { ORIGIN } from "./realm";
import { realmId } from "./store";

export const db = database(env.DB);

export const newPerson = { email: "grace@example.com", firstName: "Grace", lastName: "Hopper" };

const passkeyBase = (realm: string) => `${ORIGIN}/realms/${realm}/login-actions/passkey`;

/** Opens a sign-in or sign-up page: its CSRF token and the query its forms carry along. */
async function openPage(browser: Browser, url: string) {
  const page = await browser.get(url);
  expect(page.status).toBe(200);
  const { action, hidden } = readForm(await page.text(), url);
  return { csrf: hidden.csrf_token ?? "", query: new URL(action).search };
}

/** A started ceremony: what the browser got, and how to hand its answer back. */
export interface Ceremony {
  browser: Browser;
  csrf: string;
  query: string;
  options: { challenge: string; user: { id: string } };
  submit(credential: unknown): Promise<Response>;
}

/** Opens the sign-up page and asks for passkey creation options for `fields`. */
export async function startSignUp(
  realm: string,
  fields: Record<string, string> = newPerson,
  browser = new Browser(),
): Promise<Ceremony> {
  const page = `${ORIGIN}/realms/${realm}/protocol/openid-connect/registrations`;
  const { csrf, query } = await openPage(browser, page);
  const response = await browser.post(`${passkeyBase(realm)}/registration-options`, {
    csrf_token: csrf,
    ...fields,
  });
  expect(response.status).toBe(200);
  const options = (await response.json()) as Ceremony["options"];
  const submit = (credential: unknown) =>
    browser.post(`${passkeyBase(realm)}/registration${query}`, {
      csrf_token: csrf,
      credential: typeof credential === "string" ? credential : JSON.stringify(credential),
    });
  return { browser, csrf, query, options, submit };
}

/** Signs a new person up with the authenticator's new passkey; expects success. */
export async function signUpWithPasskey(
  realm: string,
  authenticator: SoftwareAuthenticator,
  fields: Record<string, string> = newPerson,
) {
  const ceremony = await startSignUp(realm, fields);
  const response = await ceremony.submit(await authenticator.create(ceremony.options));
  expect(response.status).toBe(303);
  return ceremony.browser;
}

/** Opens the sign-in page at `url` and asks for passkey request options. */
export async function startSignIn(
  realm: string,
  url = `${ORIGIN}/realms/${realm}/login-actions/authenticate`,
  browser = new Browser(),
): Promise<Ceremony> {
  const { csrf, query } = await openPage(browser, url);
  const response = await browser.post(`${passkeyBase(realm)}/authentication-options`, {
    csrf_token: csrf,
  });
  expect(response.status).toBe(200);
  const options = (await response.json()) as Ceremony["options"];
  const submit = (credential: unknown) =>
    browser.post(`${passkeyBase(realm)}/authenticate${query}`, {
      csrf_token: csrf,
      credential: typeof credential === "string" ? credential : JSON.stringify(credential),
    });
  return { browser, csrf, query, options, submit };
}

/** Signs in with the authenticator, tampered with as asked. */
export async function signInWithPasskey(
  realm: string,
  authenticator: SoftwareAuthenticator,
  tamper: Tampering = {},
) {
  const ceremony = await startSignIn(realm);
  return ceremony.submit(await authenticator.get(ceremony.options, tamper));
}

/** The realm's stored passkeys. */
export async function storedPasskeys(realm: string) {
  return db
    .select()
    .from(passkeys)
    .where(eq(passkeys.realmId, await realmId(realm)));
}

/** Ages every outstanding challenge of a realm past its lifetime. */
export async function expireChallenges(realm: string) {
  await db
    .update(webauthnChallenges)
    .set({ expiresAt: 1 })
    .where(eq(webauthnChallenges.realmId, await realmId(realm)));
}
