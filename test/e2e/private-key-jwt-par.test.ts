import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from "jose";
import * as client from "openid-client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./harness/browser";
import { type CallbackServer, startCallbackServer } from "./harness/callback-server";
import { type LatchkeyServer, startLatchkey } from "./harness/latchkey-server";
import { appReceives, signIn } from "./harness/pages";

const REALM = "e2e-par";
const person = { email: "katherine@example.com", password: "katherine-password-1" };

let dir: string;
let app: CallbackServer;
let latchkey: LatchkeyServer;
let browser: Browser;
let config: client.Configuration;
let issuer: string;
let privateKey: CryptoKey;

/**
 * A realm whose confidential client `e2e-backend` authenticates with private_key_jwt (its
 * public key registered as Keycloak's `jwks.string`) and must push its authorization requests.
 */
async function writeRealm(publicJwk: object): Promise<string> {
  const realm = {
    realm: REALM,
    clients: [
      {
        clientId: "e2e-backend",
        clientAuthenticatorType: "client-jwt",
        serviceAccountsEnabled: true,
        redirectUris: [`${app.origin}/callback`],
        attributes: {
          "use.jwks.string": "true",
          "jwks.string": JSON.stringify({ keys: [publicJwk] }),
          "require.pushed.authorization.requests": "true",
        },
      },
    ],
    users: [
      {
        username: person.email,
        email: person.email,
        emailVerified: true,
        credentials: [{ type: "password", value: person.password }],
      },
    ],
  };
  const path = join(dir, "e2e-par-realm.json");
  await writeFile(path, JSON.stringify(realm, null, 2));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-par-"));
  app = await startCallbackServer();
  const keys = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = { ...(await exportJWK(keys.publicKey)), kid: "e2e-1", use: "sig" };
  latchkey = await startLatchkey(REALM, await writeRealm(publicJwk));
  issuer = latchkey.issuer(REALM);
  browser = await launchChromium();
  privateKey = keys.privateKey;
  const auth = client.PrivateKeyJwt({ key: keys.privateKey, kid: "e2e-1" });
  config = await client.discovery(new URL(issuer), "e2e-backend", undefined, auth, {
    execute: [client.allowInsecureRequests],
  });
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a backend app with private_key_jwt and pushed authorization requests", () => {
  let pushed: URL;

  it("discovers the PAR endpoint and private_key_jwt", () => {
    const metadata = config.serverMetadata();

    expect(metadata.pushed_authorization_request_endpoint).toBe(
      `${issuer}/protocol/openid-connect/ext/par/request`,
    );
    expect(metadata.token_endpoint_auth_methods_supported).toContain("private_key_jwt");
  });

  it("signs the person in through a pushed request, then redeems the code", async () => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    pushed = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: `${app.origin}/callback`,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
    });
    expect(pushed.searchParams.get("request_uri")).toMatch(/^urn:ietf:params:oauth:request_uri:/);

    const page = await (await browser.newContext()).newPage();
    await page.goto(pushed.href);
    await signIn(page, person.email, person.password);
    const callback = await appReceives(app, page, "/callback");
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });

    expect(tokens.claims()?.azp).toBe("e2e-backend");
  });

  it("refuses the spent request_uri", async () => {
    const response = await fetch(pushed.href, { headers: { accept: "text/html" } });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain("expired or was already used");
  });
});

describe("private_key_jwt assertions the token endpoint refuses (RFC 7523 §3)", () => {
  const tokenEndpoint = () => `${issuer}/protocol/openid-connect/token`;

  /** A client assertion of e2e-backend's key, for `audience`. */
  function assertion(audience: string) {
    return new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: "e2e-1" })
      .setIssuer("e2e-backend")
      .setSubject("e2e-backend")
      .setAudience(audience)
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setExpirationTime("1m")
      .sign(privateKey);
  }

  /** A raw client_credentials request authenticated by `clientAssertion`. */
  async function clientCredentials(clientAssertion: string) {
    const response = await fetch(tokenEndpoint(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: clientAssertion,
      }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  it("accepts an assertion for the issuer once, and refuses its replay", async () => {
    const signed = await assertion(issuer);

    const first = await clientCredentials(signed);
    expect(first.status).toBe(200);
    expect(first.body.access_token).toBeTruthy();
    const replay = await clientCredentials(signed);
    expect(replay).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  it("refuses an assertion made for another audience", async () => {
    const refused = await clientCredentials(await assertion("https://other.example/token"));

    expect(refused).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });
});
