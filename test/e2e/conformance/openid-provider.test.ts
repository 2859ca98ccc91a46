import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt, decodeProtectedHeader } from "jose";
import * as client from "openid-client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../harness/browser";
import { type CallbackServer, startCallbackServer } from "../harness/callback-server";
import {
  CONFIDENTIAL_SECRET,
  otherUser,
  SERVICE_SECRET,
  writeConformanceRealm,
} from "../harness/conformance-realm";
import { type LatchkeyServer, startLatchkey } from "../harness/latchkey-server";
import { appReceives, signIn } from "../harness/pages";
import { existingUser } from "../harness/realm-file";
import { authorizationRequest } from "../harness/relying-party";

type Tokens = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

let dir: string;
let app: CallbackServer;
let latchkey: LatchkeyServer;
let browser: Browser;
let issuer: string;
let context: BrowserContext;
let page: Page;

const execute = [client.allowInsecureRequests, client.enableNonRepudiationChecks];
const callback = () => `${app.origin}/callback`;

function configure(clientId: string, auth: client.ClientAuth, metadata = {}) {
  return client.discovery(new URL(issuer), clientId, metadata, auth, { execute });
}

/** Sends the page through an authorization request and redeems the code the app receives. */
async function codeFlow(
  config: client.Configuration,
  target: Page,
  extra: Record<string, string> = {},
  credentials?: { email: string; password: string },
): Promise<Tokens> {
  const request = await authorizationRequest(config, callback(), extra);
  await target.goto(request.url.href);
  if (credentials) await signIn(target, credentials.email, credentials.password);
  const response = await appReceives(app, target, "/callback");
  return client.authorizationCodeGrant(config, response, request.checks);
}

/** The authorization response the app receives for a request that must not show a form. */
async function silentResponse(config: client.Configuration, target: Page, extra = {}) {
  const request = await authorizationRequest(config, callback(), { prompt: "none", ...extra });
  await target.goto(request.url.href);
  return appReceives(app, target, "/callback");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-conformance-"));
  app = await startCallbackServer();
  latchkey = await startLatchkey("conformance", await writeConformanceRealm(dir, app.origin));
  issuer = latchkey.issuer("conformance");
  browser = await launchChromium();
  context = await browser.newContext();
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("Config: discovery lists what answers (OpenID Connect Discovery 1.0)", () => {
  it("has every advertised endpoint answer at its URL", async () => {
    const metadata = (await (
      await fetch(`${issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    const endpoints = Object.entries(metadata).filter(
      ([name]) => name.endsWith("_endpoint") || name === "jwks_uri",
    );
    expect(endpoints.length).toBeGreaterThanOrEqual(8);

    const readWithGet = [
      "authorization_endpoint",
      "jwks_uri",
      "userinfo_endpoint",
      "end_session_endpoint",
    ];
    for (const [name, url] of endpoints) {
      const method = readWithGet.includes(name) ? "GET" : "POST";
      const response = await fetch(String(url), { method, redirect: "manual" });
      expect(response.status, name).not.toBe(404);
      expect(String(url).startsWith(`${issuer}/`), name).toBe(true);
    }
  });

  it("publishes a key for every advertised ID token signing alg", async () => {
    const metadata = (await configure("web-app", client.None())).serverMetadata();
    const { keys } = (await (await fetch(String(metadata.jwks_uri))).json()) as {
      keys: Array<{ alg: string }>;
    };
    for (const alg of metadata.id_token_signing_alg_values_supported ?? []) {
      expect(keys.map((key) => key.alg)).toContain(alg);
    }
  });
});

describe("Basic: the code flow with a confidential client (openid-client)", () => {
  let config: client.Configuration;
  let tokens: Tokens;

  beforeAll(async () => {
    config = await configure("web-app", client.ClientSecretBasic(CONFIDENTIAL_SECRET));
  });

  it("signs Grace in and redeems the code with client_secret_basic", async () => {
    const request = await authorizationRequest(config, callback());
    await page.goto(request.url.href);
    await signIn(page, existingUser.email, existingUser.password);
    const response = await appReceives(app, page, "/callback");

    tokens = await client.authorizationCodeGrant(config, response, request.checks);
    expect(tokens.claims()).toMatchObject({
      iss: issuer,
      aud: "web-app",
      email: existingUser.email,
    });
    const userinfo = await client.fetchUserInfo(
      config,
      tokens.access_token,
      tokens.claims()?.sub ?? "",
    );
    expect(userinfo.email).toBe(existingUser.email);
  });

  it("redeems a code with client_secret_post, signed in silently by the session", async () => {
    const post = await configure("web-app", client.ClientSecretPost(CONFIDENTIAL_SECRET));
    const silent = await codeFlow(post, page, { prompt: "none" });
    expect(silent.claims()?.sid).toBe(tokens.claims()?.sid);
  });

  it("shows the sign-in form again for max_age=0 and reports the new auth_time", async () => {
    const before = Math.floor(Date.now() / 1000);
    const again = await codeFlow(config, page, { max_age: "0" }, existingUser);
    expect(again.claims()?.auth_time).toBeGreaterThanOrEqual(before - 1);
  });

  it("answers prompt=none with login_required when the hint names someone else", async () => {
    const otherContext = await browser.newContext();
    const alan = await codeFlow(config, await otherContext.newPage(), {}, otherUser);
    await otherContext.close();

    const response = await silentResponse(config, page, { id_token_hint: alan.id_token ?? "" });
    expect(response.searchParams.get("error")).toBe("login_required");
  });

  it("answers prompt=none with login_required in a browser without a session", async () => {
    const fresh = await (await browser.newContext()).newPage();
    const response = await silentResponse(config, fresh);
    expect(response.searchParams.get("error")).toBe("login_required");
    expect(response.searchParams.get("iss")).toBe(issuer);
  });

  it("never redirects to a redirect_uri the client did not register", async () => {
    const request = await authorizationRequest(config, `${app.origin}/elsewhere`);
    const response = await fetch(request.url, { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });

  it("introspects a live access token and says inactive for anything else", async () => {
    const live = await client.tokenIntrospection(config, tokens.access_token);
    expect(live).toMatchObject({ active: true, sub: tokens.claims()?.sub, client_id: "web-app" });
    expect((await client.tokenIntrospection(config, "not-a-token")).active).toBe(false);
  });

  it("refuses a replayed code with invalid_grant and ends what it issued", async () => {
    const own = await (await browser.newContext()).newPage();
    const request = await authorizationRequest(config, callback());
    await own.goto(request.url.href);
    await signIn(own, existingUser.email, existingUser.password);
    const response = await appReceives(app, own, "/callback");
    const first = await client.authorizationCodeGrant(config, response, request.checks);

    await expect(
      client.authorizationCodeGrant(config, response, request.checks),
    ).rejects.toMatchObject({ error: "invalid_grant" });
    // RFC 9700 §4.5: what the code gave is revoked too.
    await expect(client.refreshTokenGrant(config, first.refresh_token ?? "")).rejects.toMatchObject(
      { error: "invalid_grant" },
    );
  });

  it("ends the refresh token family on revocation", async () => {
    const refreshToken = tokens.refresh_token ?? "";
    await client.tokenRevocation(config, refreshToken);
    await expect(client.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });
});

describe("client_credentials for a service account (RFC 6749 §4.4)", () => {
  it("issues an access token that introspection reports for the service account", async () => {
    const config = await configure("service", client.ClientSecretBasic(SERVICE_SECRET));
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.refresh_token).toBeUndefined();

    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, username: "service-account-service" });
  });

  it("refuses a wrong secret with 401 invalid_client and a Basic challenge", async () => {
    const config = await configure("service", client.ClientSecretBasic("wrong"));
    const error = await client.clientCredentialsGrant(config).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    const challenge = error as client.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause[0]?.scheme).toBe("basic");
    expect(await challenge.response.json()).toMatchObject({ error: "invalid_client" });
  });
});

describe("ID token signing algs per client (OpenID Connect Registration §2)", () => {
  it("signs eddsa-app's ID tokens with EdDSA, which openid-client then verifies", async () => {
    const config = await configure("eddsa-app", client.None(), {
      id_token_signed_response_alg: "EdDSA",
    });
    const tokens = await codeFlow(config, page, { prompt: "none" });

    // enableNonRepudiationChecks: openid-client verified the signature against the JWKS.
    expect(decodeProtectedHeader(tokens.id_token ?? "").alg).toBe("EdDSA");
  });

  it("fails openid-client's check when the app expects ES256 instead", async () => {
    const config = await configure("eddsa-app", client.None(), {
      id_token_signed_response_alg: "ES256",
    });
    const error = await codeFlow(config, page, { prompt: "none" }).catch((caught) => caught);
    expect((error as Error).cause).toMatchObject({
      message: 'unexpected JWT "alg" header parameter',
    });
  });
});

describe("Dynamic: client registration (RFC 7591) with openid-client", () => {
  it("registers a client anonymously, which must then ask Grace for consent", async () => {
    const config = await client.dynamicClientRegistration(
      new URL(issuer),
      { redirect_uris: [callback()], client_name: "Registered by openid-client" },
      undefined,
      { execute },
    );
    expect(config.clientMetadata().client_secret).toEqual(expect.any(String));

    const silent = await silentResponse(config, page);
    expect(silent.searchParams.get("error")).toBe("consent_required");

    const request = await authorizationRequest(config, callback());
    await page.goto(request.url.href);
    await page.click('button[name="decision"][value="approve"]');
    const response = await appReceives(app, page, "/callback");
    const tokens = await client.authorizationCodeGrant(config, response, request.checks);
    expect(decodeJwt(tokens.id_token ?? "").aud).toBe(config.clientMetadata().client_id);
  });

  it("refuses a javascript: redirect URI with invalid_redirect_uri", async () => {
    const registration = client.dynamicClientRegistration(
      new URL(issuer),
      { redirect_uris: ["javascript:alert(1)"] },
      undefined,
      { execute },
    );
    await expect(registration).rejects.toMatchObject({ error: "invalid_redirect_uri" });
  });
});

describe("RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0)", () => {
  it("ends the session, returns with state, and prompt=none then needs a login", async () => {
    const config = await configure("web-app", client.ClientSecretBasic(CONFIDENTIAL_SECRET));
    const tokens = await codeFlow(config, page, { prompt: "none" });
    const state = client.randomState();

    await page.goto(
      client.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token ?? "",
        post_logout_redirect_uri: `${app.origin}/signed-out`,
        state,
      }).href,
    );
    const back = await appReceives(app, page, "/signed-out");
    expect(back.searchParams.get("state")).toBe(state);

    const response = await silentResponse(config, page);
    expect(response.searchParams.get("error")).toBe("login_required");
    await expect(
      client.refreshTokenGrant(config, tokens.refresh_token ?? ""),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });
});
