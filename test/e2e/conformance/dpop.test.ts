import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from "jose";
import * as client from "openid-client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../harness/browser";
import { type CallbackServer, startCallbackServer } from "../harness/callback-server";
import { type LatchkeyServer, startLatchkey } from "../harness/latchkey-server";
import { appReceives, signIn } from "../harness/pages";
import { existingUser } from "../harness/realm-file";
import { authorizationRequest } from "../harness/relying-party";

const REALM = "dpop";

let dir: string;
let app: CallbackServer;
let latchkey: LatchkeyServer;
let browser: Browser;
let page: Page;
let config: client.Configuration;

/**
 * Realm `dpop`: server nonces required, and a public app that must prove possession of a key
 * for every token (Keycloak's `dpop.bound.access.tokens`).
 */
async function writeDpopRealm(appOrigin: string): Promise<string> {
  const realm = {
    realm: REALM,
    dpopNonceRequired: true,
    clients: [
      {
        clientId: "dpop-app",
        publicClient: true,
        redirectUris: [`${appOrigin}/callback`],
        attributes: { "dpop.bound.access.tokens": "true" },
      },
    ],
    users: [
      {
        username: existingUser.email,
        email: existingUser.email,
        emailVerified: true,
        credentials: [{ type: "password", value: existingUser.password }],
      },
    ],
  };
  const path = join(dir, "dpop-realm.json");
  await writeFile(path, JSON.stringify(realm, null, 2));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-dpop-"));
  app = await startCallbackServer();
  latchkey = await startLatchkey(REALM, await writeDpopRealm(app.origin));
  config = await client.discovery(
    new URL(latchkey.issuer(REALM)),
    "dpop-app",
    undefined,
    client.None(),
    { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
  );
  browser = await launchChromium();
  page = await (await browser.newContext()).newPage();
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("DPoP (RFC 9449) with openid-client's DPoP handle", () => {
  let dpop: client.DPoPHandle;
  let jkt: string;
  let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

  beforeAll(async () => {
    dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair("ES256"));
    jkt = await dpop.calculateThumbprint();
  });

  it("is advertised in discovery", () => {
    expect(config.serverMetadata().dpop_signing_alg_values_supported).toContain("ES256");
  });

  it("binds the code to the key (dpop_jkt) and redeems it for DPoP-bound tokens", async () => {
    const callback = `${app.origin}/callback`;
    const request = await authorizationRequest(config, callback, { dpop_jkt: jkt });
    await page.goto(request.url.href);
    await signIn(page, existingUser.email, existingUser.password);
    const response = await appReceives(app, page, "/callback");

    // The first attempt is refused with use_dpop_nonce; openid-client retries with the nonce.
    tokens = await client.authorizationCodeGrant(config, response, request.checks, undefined, {
      DPoP: dpop,
    });
    expect(tokens.token_type).toBe("dpop");
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt });
    expect(decodeJwt(tokens.refresh_token ?? "").cnf).toEqual({ jkt });
  });

  it("reads UserInfo with the DPoP scheme and a proof carrying ath", async () => {
    const sub = String(tokens.claims()?.sub);
    const claims = await client.fetchUserInfo(config, tokens.access_token, sub, { DPoP: dpop });
    expect(claims.email).toBe(existingUser.email);
  });

  it("refuses the bound access token presented as a bearer token", async () => {
    const sub = String(tokens.claims()?.sub);
    const error = await client.fetchUserInfo(config, tokens.access_token, sub).catch((e) => e);
    expect(error).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    expect((error as client.WWWAuthenticateChallengeError).response.status).toBe(401);
  });

  it("refuses to refresh with a proof of another key", async () => {
    const thief = client.getDPoPHandle(config, await client.randomDPoPKeyPair("ES256"));
    const error = await client
      .refreshTokenGrant(config, tokens.refresh_token ?? "", undefined, { DPoP: thief })
      .catch((e) => e);
    expect(error).toBeInstanceOf(client.ResponseBodyError);
    expect((error as client.ResponseBodyError).error).toBe("invalid_dpop_proof");
  });

  it("refreshes with the key into new DPoP-bound tokens, which UserInfo accepts", async () => {
    const next = await client.refreshTokenGrant(config, tokens.refresh_token ?? "", undefined, {
      DPoP: dpop,
    });
    expect(next.token_type).toBe("dpop");
    expect(decodeJwt(next.access_token).cnf).toEqual({ jkt });

    const sub = String(tokens.claims()?.sub);
    const claims = await client.fetchUserInfo(config, next.access_token, sub, { DPoP: dpop });
    expect(claims.sub).toBe(sub);
  });
});

describe("DPoP proofs the token endpoint refuses (RFC 9449 §4.3, §11.1)", () => {
  const tokenEndpoint = () => `${latchkey.issuer(REALM)}/protocol/openid-connect/token`;

  /** A raw refresh request of dpop-app carrying `proof`, with a refresh token that is not one. */
  async function refreshWith(proof?: string) {
    const response = await fetch(tokenEndpoint(), {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(proof ? { dpop: proof } : {}),
      },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        client_id: "dpop-app",
        refresh_token: "not-a-refresh-token",
      }),
    });
    const body = (await response.json()) as { error: string };
    return {
      status: response.status,
      error: body.error,
      nonce: response.headers.get("dpop-nonce"),
    };
  }

  it("refuses a proof used a second time with invalid_dpop_proof", async () => {
    const { nonce } = await refreshWith();
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const proof = await new SignJWT({ htm: "POST", htu: tokenEndpoint(), nonce })
      .setProtectedHeader({ typ: "dpop+jwt", alg: "ES256", jwk: await exportJWK(publicKey) })
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .sign(privateKey);

    // The proof itself passes; the made-up refresh token is what fails.
    expect(await refreshWith(proof)).toMatchObject({ status: 400, error: "invalid_grant" });
    expect(await refreshWith(proof)).toMatchObject({ status: 400, error: "invalid_dpop_proof" });
  });
});
