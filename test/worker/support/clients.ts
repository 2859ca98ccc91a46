import { SELF } from "cloudflare:test";
import { createLocalJWKSet, type JSONWebKeySet } from "jose";
import { Browser } from "./browser";
import { authorizeUrl, redirectParams, signIn, spaRequest, tokenRequest } from "./oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, SPA_REDIRECT } from "./realm";

/**
 * RFC 6749 §2.3.1: client_id and secret are each form-urlencoded, joined by a colon, and
 * base64-encoded into the Basic credentials.
 */
export function basicAuthorization(clientId: string, secret: string): string {
  const form = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${btoa(`${form(clientId)}:${form(secret)}`)}`;
}

export const backendAuthorization = () => basicAuthorization("backend", BACKEND_SECRET);

/** An authorization request of the confidential `backend` client, without PKCE. */
export function backendRequest(extra: Record<string, string> = {}) {
  return {
    client_id: "backend",
    redirect_uri: BACKEND_REDIRECT,
    response_type: "code",
    scope: "openid",
    state: "backend-state",
    nonce: "backend-nonce",
    ...extra,
  };
}

/** Signs ada in for `backend` and returns the authorization code. */
export async function backendCode(
  oidc: string,
  browser = new Browser(),
  extra: Record<string, string> = {},
) {
  const callback = redirectParams(await signIn(browser, authorizeUrl(oidc, backendRequest(extra))));
  return callback.get("code") ?? "";
}

/** Exchanges a `backend` code, authenticating with client_secret_basic. */
export function exchangeBackendCode(
  oidc: string,
  code: string,
  extra: Record<string, string> = {},
) {
  return tokenRequest(
    oidc,
    { grant_type: "authorization_code", code, redirect_uri: BACKEND_REDIRECT, ...extra },
    { authorization: backendAuthorization() },
  );
}

/** The realm's published keys, as a relying party fetches them from the jwks_uri. */
export async function publishedKeySet(oidc: string) {
  const response = await SELF.fetch(`${oidc}/certs`);
  return createLocalJWKSet((await response.json()) as JSONWebKeySet);
}

/** Signs ada in for `spa` and returns the code, its verifier and the signed-in browser. */
export async function spaCode(oidc: string, extra: Record<string, string> = {}) {
  const browser = new Browser();
  const { params, verifier } = await spaRequest(extra);
  const callback = redirectParams(await signIn(browser, authorizeUrl(oidc, params)));
  return { browser, verifier, code: callback.get("code") ?? "" };
}

/** Exchanges a `spa` code; `fields` adds to or overrides the usual parameters. */
export function exchangeSpaCode(oidc: string, fields: Record<string, string>) {
  return tokenRequest(oidc, {
    grant_type: "authorization_code",
    client_id: "spa",
    redirect_uri: SPA_REDIRECT,
    ...fields,
  });
}

/** The confidential `backend` client refreshes, authenticating with Basic credentials. */
export function backendRefresh(oidc: string, refreshToken: string) {
  return tokenRequest(
    oidc,
    { grant_type: "refresh_token", refresh_token: refreshToken },
    { authorization: backendAuthorization() },
  );
}

/** Signs in for `backend` and exchanges the code; returns the token response. */
export async function backendTokens(oidc: string): Promise<Record<string, string>> {
  const response = await exchangeBackendCode(oidc, await backendCode(oidc));
  return (await response.json()) as Record<string, string>;
}
