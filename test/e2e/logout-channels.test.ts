import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteJWKSet, jwtVerify } from "jose";
import * as client from "openid-client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./harness/browser";
import { type CallbackServer, startCallbackServer } from "./harness/callback-server";
import { type LatchkeyServer, startLatchkey } from "./harness/latchkey-server";
import { writeLogoutRealmFile } from "./harness/logout-realm";
import { type LogoutReceiver, startLogoutReceiver } from "./harness/logout-receiver";
import { appReceives, signIn } from "./harness/pages";
import { existingUser } from "./harness/realm-file";
import { authorizationRequest, discover } from "./harness/relying-party";

const EVENT = "http://schemas.openid.net/event/backchannel-logout";

let dir: string;
let app: CallbackServer;
let receiver: LogoutReceiver;
let latchkey: LatchkeyServer;
let browser: Browser;
let issuer: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-logout-"));
  app = await startCallbackServer();
  receiver = await startLogoutReceiver();
  const realmFile = await writeLogoutRealmFile(dir, {
    app: app.origin,
    receiver: receiver.origin,
  });
  latchkey = await startLatchkey("logout", realmFile);
  issuer = latchkey.issuer("logout");
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await receiver?.close();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Signs the person in for `clientId` (through the form unless the session lets them pass). */
async function tokensFor(page: Page, clientId: string, withForm: boolean) {
  const config = await discover(issuer, clientId);
  const request = await authorizationRequest(config, `${app.origin}/callback`);
  await page.goto(request.url.href);
  if (withForm) await signIn(page, existingUser.email, existingUser.password);
  const response = await appReceives(app, page, "/callback");
  return { config, tokens: await client.authorizationCodeGrant(config, response, request.checks) };
}

/** Verifies a POSTed logout token against the realm's published keys, for `audience`. */
async function verifiedLogoutToken(form: URLSearchParams, audience: string) {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`));
  return jwtVerify(form.get("logout_token") ?? "", jwks, { issuer, audience, typ: "logout+jwt" });
}

describe("back-channel logout to a real receiver (OpenID Connect Back-Channel Logout 1.0)", () => {
  it("POSTs each relying party of the session a logout token the realm's keys verify", async () => {
    const page = await (await browser.newContext()).newPage();
    const rp = await tokensFor(page, "rp", true);
    await tokensFor(page, "flaky", false);
    await tokensFor(page, "quiet", false);
    const claims = rp.tokens.claims();

    const logout = client.buildEndSessionUrl(rp.config, {
      id_token_hint: rp.tokens.id_token ?? "",
      post_logout_redirect_uri: `${app.origin}/signed-out`,
    });
    await page.goto(logout.href);
    await appReceives(app, page, "/signed-out");
    const post = await receiver.nth("/rp/logout", 1);
    const { payload, protectedHeader } = await verifiedLogoutToken(post.form, "rp");

    expect(post.contentType).toBe("application/x-www-form-urlencoded");
    expect(protectedHeader.typ).toBe("logout+jwt");
    expect(payload.sub).toBe(claims?.sub);
    expect(payload.sid).toBe(claims?.sid);
    expect(payload.events).toEqual({ [EVENT]: {} });
    expect(payload).not.toHaveProperty("nonce");
    const flaky = await verifiedLogoutToken((await receiver.nth("/flaky/logout", 1)).form, "flaky");
    expect(flaky.payload.sid).toBe(claims?.sid);
  });

  it("retries a relying party that answered 503, after a backoff", async () => {
    receiver.failNext("/flaky/logout", 1, 503);
    const page = await (await browser.newContext()).newPage();
    const flaky = await tokensFor(page, "flaky", true);
    const before = receiver.posts.filter((post) => post.pathname === "/flaky/logout").length;

    const logout = client.buildEndSessionUrl(flaky.config, {
      id_token_hint: flaky.tokens.id_token ?? "",
    });
    await page.goto(logout.href);
    const refused = await receiver.nth("/flaky/logout", before + 1);
    const retried = await receiver.nth("/flaky/logout", before + 2);

    expect(retried.at - refused.at).toBeGreaterThanOrEqual(900);
    expect(retried.form.get("logout_token")).toBe(refused.form.get("logout_token"));
    await verifiedLogoutToken(retried.form, "flaky");
  });

  it("tells the relying parties when the person signs out on the account console", async () => {
    const page = await (await browser.newContext()).newPage();
    const rp = await tokensFor(page, "rp", true);
    const before = receiver.posts.filter((post) => post.pathname === "/rp/logout").length;

    await page.goto(`${issuer}/account`);
    await page.click('form[action$="/account/logout"] button[type="submit"]');
    const post = await receiver.nth("/rp/logout", before + 1);

    const { payload } = await verifiedLogoutToken(post.form, "rp");
    expect(payload.sid).toBe(rp.tokens.claims()?.sid);
  });

  it("sends nothing to a client without a back-channel logout URL", () => {
    const paths = new Set(receiver.posts.map((post) => post.pathname));

    expect([...paths].sort()).toEqual(["/flaky/logout", "/rp/logout"]);
  });
});

describe("front-channel logout in Chromium (OpenID Connect Front-Channel Logout 1.0)", () => {
  it("loads the relying party's logout page with iss and sid, then redirects", async () => {
    const page = await (await browser.newContext()).newPage();
    const front = await tokensFor(page, "front", true);
    const state = client.randomState();

    const logout = client.buildEndSessionUrl(front.config, {
      id_token_hint: front.tokens.id_token ?? "",
      post_logout_redirect_uri: `${app.origin}/signed-out`,
      state,
    });
    await page.goto(logout.href);
    const framed = await appReceives(app, page, "/front/logout");
    const signedOut = await appReceives(app, page, "/signed-out");

    expect(framed.searchParams.get("iss")).toBe(issuer);
    expect(framed.searchParams.get("sid")).toBe(front.tokens.claims()?.sid);
    expect(signedOut.searchParams.get("state")).toBe(state);
    expect(app.hits.indexOf(framed)).toBeLessThan(app.hits.indexOf(signedOut));
  });
});
