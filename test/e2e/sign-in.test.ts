import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { base64url, createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import * as client from "openid-client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./harness/browser";
import { type CallbackServer, startCallbackServer } from "./harness/callback-server";
import { type LatchkeyServer, startLatchkey } from "./harness/latchkey-server";
import { appReceives, signIn, signUp } from "./harness/pages";
import { existingUser, writeRealmFile } from "./harness/realm-file";
import { authorizationRequest, discover } from "./harness/relying-party";

let dir: string;
let app: CallbackServer;
let latchkey: LatchkeyServer;
let browser: Browser;
let config: client.Configuration;
let issuer: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-realm-"));
  app = await startCallbackServer();
  latchkey = await startLatchkey("e2e", await writeRealmFile(dir, app.origin));
  issuer = latchkey.issuer("e2e");
  browser = await launchChromium();
  config = await discover(issuer, "e2e-app");
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/** at_hash per OpenID Connect Core §3.1.3.6: the left half of SHA-256 of the access token. */
function atHash(accessToken: string): string {
  const digest = createHash("sha256").update(accessToken).digest();
  return base64url.encode(digest.subarray(0, digest.length / 2));
}

describe("OpenID Connect sign-up and sign-in with openid-client, Chromium and wrangler dev", () => {
  const person = {
    email: `ada.${Date.now()}@example.com`,
    firstName: "Ada",
    lastName: "Lovelace",
    password: "analytical-engine-1843",
  };
  const callback = () => `${app.origin}/callback`;
  let page: Page;
  type Tokens = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  let tokens: Tokens;
  let rotated: Tokens;
  let silent: Tokens;

  it("leads from / to the imported realm's account console", async () => {
    const response = await fetch(`${latchkey.origin}/`, { redirect: "manual" });
    expect(response.headers.get("location")).toBe("/realms/e2e/account");
  });

  it("discovers Keycloak's endpoint layout, S256 PKCE and iss in authorization responses", () => {
    const metadata = config.serverMetadata();

    expect(metadata.issuer).toBe(issuer);
    expect(metadata.jwks_uri).toBe(`${issuer}/protocol/openid-connect/certs`);
    expect(metadata.authorization_endpoint).toBe(`${issuer}/protocol/openid-connect/auth`);
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });

  it("returns a person who signs up to the app's callback with code, state and iss", async () => {
    const request = await authorizationRequest(config, callback());
    page = await (await browser.newContext()).newPage();

    await page.goto(request.url.href);
    await signUp(page, person);
    const response = await appReceives(app, page, "/callback");

    expect(response.searchParams.get("code")).toBeTruthy();
    expect(response.searchParams.get("state")).toBe(request.checks.expectedState);
    expect(response.searchParams.get("iss")).toBe(issuer);

    tokens = await client.authorizationCodeGrant(config, response, request.checks);
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
  });

  it("issues an ID token that the realm's certs verify, with the person's claims", async () => {
    const idToken = tokens.id_token ?? "";
    const jwks = createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`));
    const { payload } = await jwtVerify(idToken, jwks, { issuer, audience: "e2e-app" });
    const now = Math.floor(Date.now() / 1000);

    expect(payload).toEqual(tokens.claims());
    expect(payload.sub).toEqual(expect.any(String));
    expect(payload).toMatchObject({
      email: person.email,
      email_verified: false,
      preferred_username: person.email,
      name: `${person.firstName} ${person.lastName}`,
      azp: "e2e-app",
      at_hash: atHash(tokens.access_token),
    });
    expect(payload.sid).toEqual(expect.any(String));
    expect(payload.auth_time).toBeGreaterThan(now - 120);
    expect(payload.auth_time).toBeLessThanOrEqual(now + 5);
  });

  it("issues a Keycloak-shaped access token and refresh token", () => {
    const access = decodeJwt(tokens.access_token);
    const refresh = decodeJwt(tokens.refresh_token ?? "");

    expect(access).toMatchObject({ iss: issuer, typ: "Bearer", azp: "e2e-app" });
    expect(access.sid).toBe(tokens.claims()?.sid);
    expect(access.scope).toContain("openid");
    expect(refresh).toMatchObject({ iss: issuer, typ: "Refresh", azp: "e2e-app" });
  });

  it("answers userinfo with the same person", async () => {
    const sub = tokens.claims()?.sub ?? "";

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub);

    expect(userinfo).toMatchObject({
      sub,
      email: person.email,
      email_verified: false,
      preferred_username: person.email,
      given_name: person.firstName,
      family_name: person.lastName,
    });
  });

  it("rotates the refresh token and refuses the old one with invalid_grant", async () => {
    const old = tokens.refresh_token ?? "";

    rotated = await client.refreshTokenGrant(config, old);

    expect(rotated.refresh_token).toBeTruthy();
    expect(rotated.refresh_token).not.toBe(old);
    expect(rotated.access_token).not.toBe(tokens.access_token);
    await expect(client.refreshTokenGrant(config, old)).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });

  it("revokes the whole refresh token family once a rotated token was replayed", async () => {
    await expect(
      client.refreshTokenGrant(config, rotated.refresh_token ?? ""),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("signs the person in again with prompt=none and no form while the session lasts", async () => {
    const request = await authorizationRequest(config, callback(), { prompt: "none" });

    await page.goto(request.url.href);
    const response = await appReceives(app, page, "/callback");
    silent = await client.authorizationCodeGrant(config, response, request.checks);

    expect(silent.refresh_token).toBeTruthy();
    expect(silent.claims()?.sid).toBe(tokens.claims()?.sid);
  });

  it("ends the session with RP-initiated logout and returns to the post-logout URI", async () => {
    const state = client.randomState();
    const logout = client.buildEndSessionUrl(config, {
      id_token_hint: silent.id_token ?? "",
      post_logout_redirect_uri: `${app.origin}/signed-out`,
      state,
    });

    await page.goto(logout.href);
    const response = await appReceives(app, page, "/signed-out");

    expect(response.searchParams.get("state")).toBe(state);
  });

  it("answers prompt=none with login_required after logout", async () => {
    const request = await authorizationRequest(config, callback(), { prompt: "none" });

    await page.goto(request.url.href);
    const response = await appReceives(app, page, "/callback");

    expect(response.searchParams.get("error")).toBe("login_required");
    expect(response.searchParams.get("state")).toBe(request.checks.expectedState);
    expect(response.searchParams.get("iss")).toBe(issuer);
    await expect(
      client.authorizationCodeGrant(config, response, request.checks),
    ).rejects.toMatchObject({ error: "login_required" });
  });

  it("refuses the ended session's refresh token with invalid_grant", async () => {
    await expect(
      client.refreshTokenGrant(config, silent.refresh_token ?? ""),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });
});

describe("a person whose account comes from the realm file signs in through the login form", () => {
  it("gets them to the app with an ID token naming them", async () => {
    const request = await authorizationRequest(config, `${app.origin}/callback`);
    const page = await (await browser.newContext()).newPage();

    await page.goto(request.url.href);
    await signIn(page, existingUser.email, existingUser.password);
    const response = await appReceives(app, page, "/callback");
    const tokens = await client.authorizationCodeGrant(config, response, request.checks);

    expect(tokens.claims()).toMatchObject({
      email: existingUser.email,
      email_verified: true,
      preferred_username: existingUser.email,
      name: `${existingUser.firstName} ${existingUser.lastName}`,
      azp: "e2e-app",
    });
  });
});
