import { decodeJwt } from "jose";
import { expect } from "vitest";
import { Browser } from "./browser";
import { authorizeUrl, signInAndExchange } from "./oidc";

/** Sends an authorization request from a browser (a fresh one unless given). */
export function authorize(
  oidc: string,
  params: Record<string, string>,
  browser = new Browser(),
): Promise<Response> {
  return browser.get(authorizeUrl(oidc, params));
}

/**
 * Asserts that a response redirects to exactly `redirectUri` (RFC 6749 §4.1.2) and returns
 * the authorization response parameters it carries.
 */
export function callbackParams(response: Response, redirectUri: string): URLSearchParams {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location") ?? "");
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  return location.searchParams;
}

/** A browser with ada's SSO session in the realm, and the session's id. */
export async function signedInBrowser(oidc: string) {
  const { browser, tokens } = await signInAndExchange(oidc);
  return { browser, sid: String(decodeJwt(tokens.id_token ?? "").sid) };
}
