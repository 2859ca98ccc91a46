import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as client from "openid-client";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./harness/browser";
import { type CallbackServer, startCallbackServer } from "./harness/callback-server";
import { type LatchkeyServer, startLatchkey } from "./harness/latchkey-server";
import { appReceives, describePage, signIn } from "./harness/pages";
import { existingUser, writeRealmFile } from "./harness/realm-file";
import { authorizationRequest, discover } from "./harness/relying-party";

let dir: string;
let app: CallbackServer;
let latchkey: LatchkeyServer;
let browser: Browser;
let config: client.Configuration;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-passkeys-"));
  app = await startCallbackServer();
  latchkey = await startLatchkey("e2e", await writeRealmFile(dir, app.origin));
  browser = await launchChromium();
  config = await discover(latchkey.issuer("e2e"), "e2e-app");
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * A page in a fresh context with a CDP virtual authenticator: a platform authenticator
 * (CTAP2, internal transport) with resident keys and user verification, as a phone or laptop.
 */
async function pageWithAuthenticator(): Promise<{ page: Page; cdp: CDPSession; id: string }> {
  const context: BrowserContext = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { page, cdp, id: authenticatorId };
}

/**
 * Presses "Sign in with a passkey". Chromium's virtual authenticator also answers the page's
 * autofill (conditional mediation) request by itself, so the page may already be gone.
 */
async function pressPasskeyButton(page: Page): Promise<void> {
  await page
    .click("#passkey-authentication", { timeout: 2_000, noWaitAfter: true })
    .catch(() => {});
}

const callback = () => `${app.origin}/callback`;
type Tokens = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

describe("passkeys in Chromium with a virtual authenticator, through the OIDC flow", () => {
  const person = { email: `ada.${Date.now()}@example.com`, firstName: "Ada", lastName: "Lovelace" };
  let page: Page;
  let signedUp: Tokens;

  it("signs a person up with a passkey only; the app gets tokens with amr hwk, user", async () => {
    ({ page } = await pageWithAuthenticator());
    const request = await authorizationRequest(config, callback());
    await page.goto(request.url.href);
    await page.click('a[href*="registrations"]');
    await page.fill('input[name="email"]', person.email);
    await page.fill('input[name="firstName"]', person.firstName);
    await page.fill('input[name="lastName"]', person.lastName);
    await page.click("#passkey-registration");

    const response = await appReceives(app, page, "/callback");
    signedUp = await client.authorizationCodeGrant(config, response, request.checks);
    expect(signedUp.claims()).toMatchObject({ email: person.email, amr: ["hwk", "user"] });
  });

  it("signs out, then signs in again with the passkey and no username", async () => {
    const logout = client.buildEndSessionUrl(config, {
      id_token_hint: signedUp.id_token ?? "",
      post_logout_redirect_uri: `${app.origin}/signed-out`,
    });
    await page.goto(logout.href);
    await appReceives(app, page, "/signed-out");

    const request = await authorizationRequest(config, callback());
    await page.goto(request.url.href);
    const received = appReceives(app, page, "/callback");
    await pressPasskeyButton(page);
    const response = await received;
    const tokens = await client.authorizationCodeGrant(config, response, request.checks);

    expect(tokens.claims()?.sub).toBe(signedUp.claims()?.sub);
    expect(tokens.claims()?.amr).toEqual(["hwk", "user"]);
  });

  it("refuses a second authenticator's passkey that the account does not know", async () => {
    const stranger = await pageWithAuthenticator();
    const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    await stranger.cdp.send("WebAuthn.addCredential", {
      authenticatorId: stranger.id,
      credential: {
        credentialId: randomBytes(16).toString("base64"),
        isResidentCredential: true,
        rpId: "localhost",
        privateKey: key.export({ format: "der", type: "pkcs8" }).toString("base64"),
        userHandle: randomBytes(32).toString("base64"),
        signCount: 0,
      },
    });

    const request = await authorizationRequest(config, callback());
    await stranger.page.goto(request.url.href);
    await pressPasskeyButton(stranger.page);
    await stranger.page.waitForURL(/login-actions\/passkey\/authenticate/);
    await stranger.page.waitForSelector("#login-error");

    const text = await describePage(stranger.page);
    expect(text).toContain("This passkey is not registered here.");
  });
});

describe("a person with a password adds a passkey on the account page, in Chromium", () => {
  let page: Page;
  let withPassword: Tokens;
  let withPasskey: Tokens;

  /** Signs out at the app's request, ending the browser session. */
  async function signOut(tokens: Tokens) {
    const logout = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? "",
      post_logout_redirect_uri: `${app.origin}/signed-out`,
    });
    await page.goto(logout.href);
    await appReceives(app, page, "/signed-out");
  }

  it("signs in with the password, then adds a passkey from the account page", async () => {
    ({ page } = await pageWithAuthenticator());
    const request = await authorizationRequest(config, callback());
    await page.goto(request.url.href);
    const received = appReceives(app, page, "/callback");
    await signIn(page, existingUser.email, existingUser.password);
    withPassword = await client.authorizationCodeGrant(config, await received, request.checks);
    expect(withPassword.claims()?.amr).toEqual(["pwd"]);

    await page.goto(`${latchkey.issuer("e2e")}/account`);
    await page.click("#passkey-add");
    await page.waitForSelector(".passkey-item", { timeout: 10_000 }).catch(async () => {
      throw new Error(`no passkey listed; ${await describePage(page)}`);
    });
    expect(await page.textContent(".passkeys")).toContain("This device only");
  });

  it("signs out, then signs in with the new passkey as the same person", async () => {
    await signOut(withPassword);

    const request = await authorizationRequest(config, callback());
    await page.goto(request.url.href);
    const received = appReceives(app, page, "/callback");
    await pressPasskeyButton(page);
    withPasskey = await client.authorizationCodeGrant(config, await received, request.checks);

    expect(withPasskey.claims()?.sub).toBe(withPassword.claims()?.sub);
    expect(withPasskey.claims()?.amr).toEqual(["hwk", "user"]);
  });

  it("removes the passkey on the account page; a sign-in with it is then refused", async () => {
    await page.goto(`${latchkey.issuer("e2e")}/account`);
    await page.click(".passkey-remove button");
    await page.waitForURL(/\/account$/);
    expect(await page.$(".passkey-item")).toBeNull();
    await signOut(withPasskey);

    const request = await authorizationRequest(config, callback());
    await page.goto(request.url.href);
    await pressPasskeyButton(page);
    await page.waitForURL(/login-actions\/passkey\/authenticate/);
    await page.waitForSelector("#login-error");
    expect(await describePage(page)).toContain("This passkey is not registered here.");
  });
});
