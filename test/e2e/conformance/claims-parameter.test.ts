import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as client from "openid-client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../harness/browser";
import { type CallbackServer, startCallbackServer } from "../harness/callback-server";
import { type LatchkeyServer, startLatchkey } from "../harness/latchkey-server";
import { appReceives, signIn } from "../harness/pages";
import { existingUser } from "../harness/realm-file";
import { authorizationRequest, discover } from "../harness/relying-party";

const PHONE = "+1 202 555 0100";

let dir: string;
let app: CallbackServer;
let latchkey: LatchkeyServer;
let browser: Browser;
let page: Page;
let config: client.Configuration;

const callback = () => `${app.origin}/callback`;

/** Realm `claims`: a public app and Grace, with a phone number and an address. */
async function writeClaimsRealm(appOrigin: string): Promise<string> {
  const realm = {
    realm: "claims",
    clients: [
      { clientId: "claims-app", publicClient: true, redirectUris: [`${appOrigin}/callback`] },
    ],
    users: [
      {
        username: existingUser.email,
        email: existingUser.email,
        emailVerified: true,
        firstName: existingUser.firstName,
        lastName: existingUser.lastName,
        attributes: { phoneNumber: [PHONE], locality: ["Arlington"], country: ["US"] },
        credentials: [{ type: "password", value: existingUser.password }],
      },
    ],
  };
  const path = join(dir, "claims-realm.json");
  await writeFile(path, JSON.stringify(realm, null, 2));
  return path;
}

/** Sends the page through an authorization request; returns what the app receives. */
async function authorizationResponse(extra: Record<string, string>, signInFirst: boolean) {
  const request = await authorizationRequest(config, callback(), extra);
  await page.goto(request.url.href);
  if (signInFirst) await signIn(page, existingUser.email, existingUser.password);
  return { request, response: await appReceives(app, page, "/callback") };
}

/** A full code flow with openid-client, which checks the ID token and its nonce. */
async function codeFlow(extra: Record<string, string>, signInFirst = false) {
  const { request, response } = await authorizationResponse(extra, signInFirst);
  return client.authorizationCodeGrant(config, response, request.checks);
}

const claims = JSON.stringify({
  id_token: { phone_number: { essential: true }, acr: { essential: true, values: ["0", "1"] } },
  userinfo: { address: null },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-claims-"));
  app = await startCallbackServer();
  latchkey = await startLatchkey("claims", await writeClaimsRealm(app.origin));
  config = await discover(latchkey.issuer("claims"), "claims-app");
  browser = await launchChromium();
  page = await (await browser.newContext()).newPage();
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the claims parameter and acr with openid-client (OpenID Connect Core §5.5)", () => {
  it("announces the claims parameter and acr values in discovery", () => {
    const metadata = config.serverMetadata();
    expect(metadata.claims_parameter_supported).toBe(true);
    expect(metadata.acr_values_supported).toEqual(["0", "1"]);
  });

  it("releases the claims asked for to the ID token and userinfo, with acr 1", async () => {
    const tokens = await codeFlow({ claims, acr_values: "1" }, true);
    const idToken = tokens.claims();
    expect(idToken?.phone_number).toBe(PHONE);
    expect(idToken?.acr).toBe("1");
    expect(idToken?.address).toBeUndefined();

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, idToken?.sub ?? "");
    expect(userinfo.address).toEqual({ locality: "Arlington", country: "US" });
    expect(userinfo.phone_number).toBeUndefined();

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? "");
    expect(refreshed.claims()?.phone_number).toBe(PHONE);
    expect(refreshed.claims()?.acr).toBe("1");
  });

  it("gives acr 0 when the session signs the person in silently", async () => {
    const tokens = await codeFlow({ claims, prompt: "none" });
    expect(tokens.claims()?.acr).toBe("0");
    expect(tokens.claims()?.phone_number).toBe(PHONE);
  });

  it("answers login_required to prompt=none with an essential acr of 1", async () => {
    const essential = JSON.stringify({ id_token: { acr: { essential: true, values: ["1"] } } });
    const { response } = await authorizationResponse({ claims: essential, prompt: "none" }, false);
    expect(response.searchParams.get("error")).toBe("login_required");
  });

  it("answers unmet_authentication_requirements to an essential acr above 1", async () => {
    const essential = JSON.stringify({ id_token: { acr: { essential: true, values: ["2"] } } });
    const { response } = await authorizationResponse({ claims: essential }, false);
    expect(response.searchParams.get("error")).toBe("unmet_authentication_requirements");
  });

  it("answers invalid_request to a malformed claims parameter", async () => {
    const { response } = await authorizationResponse({ claims: '{"id_token": [' }, false);
    expect(response.searchParams.get("error")).toBe("invalid_request");
  });
});
