import { SELF } from "cloudflare:test";
import { base64url } from "jose";
import { Browser, readForm } from "./browser";
import { SPA_REDIRECT, USER_EMAIL, USER_PASSWORD } from "./realm";

/** A PKCE pair (RFC 7636) with an S256 challenge. */
export async function pkcePair() {
  const verifier = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url.encode(new Uint8Array(digest)) };
}

export function authorizeUrl(oidc: string, params: Record<string, string>) {
  return `${oidc}/auth?${new URLSearchParams(params).toString()}`;
}

/** Standard parameters for the `spa` client, with PKCE. */
export async function spaRequest(extra: Record<string, string> = {}) {
  const pkce = await pkcePair();
  const params = {
    client_id: "spa",
    redirect_uri: SPA_REDIRECT,
    response_type: "code",
    scope: "openid",
    state: "state-123",
    nonce: "nonce-456",
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
    ...extra,
  };
  return { params, verifier: pkce.verifier };
}

/** Signs in through the login page and returns the redirect to the client. */
export async function signIn(
  browser: Browser,
  url: string,
  credentials = { username: USER_EMAIL, password: USER_PASSWORD },
) {
  const page = await browser.get(url);
  const { action, hidden } = readForm(await page.text(), url);
  return browser.post(action, { ...hidden, ...credentials });
}

/** The query of a redirect's Location header. */
export function redirectParams(response: Response): URLSearchParams {
  const location = response.headers.get("location");
  if (!location) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(location).searchParams;
}

/** POSTs an `application/x-www-form-urlencoded` body, as clients call protocol endpoints. */
export function postForm(url: string, fields: Record<string, string>, headers = {}) {
  return SELF.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

export function tokenRequest(oidc: string, fields: Record<string, string>, headers = {}) {
  return postForm(`${oidc}/token`, fields, headers);
}

/** The public client `spa` refreshes (RFC 6749 §6). */
export function spaRefresh(oidc: string, refreshToken: string, extra: Record<string, string> = {}) {
  return tokenRequest(oidc, {
    grant_type: "refresh_token",
    client_id: "spa",
    refresh_token: refreshToken,
    ...extra,
  });
}

/** Signs in as ada for `spa` and exchanges the code; returns the token response. */
export async function signInAndExchange(oidc: string, extra: Record<string, string> = {}) {
  const browser = new Browser();
  const { params, verifier } = await spaRequest(extra);
  const callback = redirectParams(await signIn(browser, authorizeUrl(oidc, params)));
  const response = await tokenRequest(oidc, {
    grant_type: "authorization_code",
    client_id: "spa",
    code: callback.get("code") ?? "",
    redirect_uri: SPA_REDIRECT,
    code_verifier: verifier,
  });
  const tokens = (await response.json()) as Record<string, string>;
  return { browser, tokens, code: callback.get("code") ?? "", verifier };
}
