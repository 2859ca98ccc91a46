import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./harness/browser";
import { type LatchkeyServer, startLatchkey } from "./harness/latchkey-server";
import { describePage, signIn } from "./harness/pages";
import { existingUser } from "./harness/realm-file";
import { type SpaServer, startSpaServer } from "./harness/spa-server";

/** What the test reads of keycloak-js's state in the page. */
interface AdapterState {
  authenticated?: boolean;
  token?: string;
  sid?: string;
  sessionId?: string;
}

/** The app page's globals (spa-server.ts); the e2e project compiles without the DOM lib. */
interface AppWindow {
  keycloak: AdapterState & {
    login(): Promise<void>;
    logout(): Promise<void>;
    updateToken(minValidity: number): Promise<boolean>;
    tokenParsed?: { sid?: string };
  };
  ready: Promise<{ authenticated?: boolean; error?: string }>;
}

let dir: string;
let spa: SpaServer;
let latchkey: LatchkeyServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every request the browser made to the authorization endpoint, and what it answered. */
const authorizations: Array<{ url: URL; status: number; framed: boolean }> = [];

async function writeSpaRealmFile(origin: string) {
  const realm = {
    realm: "spa",
    clients: [
      {
        clientId: "spa-app",
        publicClient: true,
        redirectUris: [`${origin}/`, `${origin}/silent-check-sso.html`],
        webOrigins: [origin],
        attributes: { "post.logout.redirect.uris": `${origin}/` },
      },
    ],
    users: [
      {
        username: existingUser.email,
        email: existingUser.email,
        credentials: [{ type: "password", value: existingUser.password }],
      },
    ],
  };
  const path = join(dir, "spa-realm.json");
  await writeFile(path, JSON.stringify(realm));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-spa-"));
  spa = await startSpaServer();
  latchkey = await startLatchkey("spa", await writeSpaRealmFile(spa.origin));
  spa.configure({ url: latchkey.origin, realm: "spa", clientId: "spa-app" });
  browser = await launchChromium();
  context = await browser.newContext();
  context.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname.endsWith("/protocol/openid-connect/auth")) {
      const framed = response.frame().parentFrame() !== null;
      authorizations.push({ url, status: response.status(), framed });
    }
  });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await spa?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts recording what the session status iframe answers the app. */
function recordIframeAnswers(target: Page = page) {
  return target.evaluate(() => {
    const scope = globalThis as unknown as {
      answers: string[];
      addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
    };
    scope.answers = [];
    scope.addEventListener("message", (event) => {
      const data = String(event.data);
      if (["changed", "unchanged", "error"].includes(data)) scope.answers.push(data);
    });
  });
}

function iframeAnswers(target: Page = page): Promise<string[]> {
  return target.evaluate(() => (globalThis as unknown as { answers: string[] }).answers);
}

/** Opens the app and waits for keycloak-js's init to settle. */
async function openApp(target: Page = page) {
  await target.goto(`${spa.origin}/`);
  return target.evaluate(() => (globalThis as unknown as AppWindow).ready);
}

/** What keycloak-js holds now. */
function adapterState(target: Page = page): Promise<AdapterState> {
  return target.evaluate(() => ({
    authenticated: (globalThis as unknown as AppWindow).keycloak.authenticated,
    token: (globalThis as unknown as AppWindow).keycloak.token,
    sid: (globalThis as unknown as AppWindow).keycloak.tokenParsed?.sid,
    sessionId: (globalThis as unknown as AppWindow).keycloak.sessionId,
  }));
}

/** Starts keycloak-js's login() and signs in on Latchkey's page; returns init's outcome. */
async function signInThroughApp() {
  await page.evaluate(() => {
    void (globalThis as unknown as AppWindow).keycloak.login();
  });
  await page.waitForURL(/\/realms\/spa\//);
  await signIn(page, existingUser.email, existingUser.password);
  await page.waitForURL(`${spa.origin}/**`);
  return page.evaluate(() => (globalThis as unknown as AppWindow).ready);
}

describe("keycloak-js 26 with its defaults against Latchkey, in Chromium", () => {
  let firstToken: string | undefined;

  it("starts signed out: check-sso finds no session and shows no page", async () => {
    expect(await openApp()).toEqual({ authenticated: false });
  });

  it("signs in with the code flow, PKCE S256 and response_mode=fragment", async () => {
    const outcome = await signInThroughApp();
    const state = await adapterState();
    const request = authorizations.find((entry) => entry.url.searchParams.get("prompt") === null);

    expect(outcome, await describePage(page)).toEqual({ authenticated: true });
    expect(state.authenticated).toBe(true);
    expect(state.sessionId).toBe(state.sid);
    expect(request?.url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(request?.url.searchParams.get("response_mode")).toBe("fragment");
    expect(request?.url.searchParams.get("response_type")).toBe("code");
    firstToken = state.token;
  });

  it("refreshes the token with updateToken, after the session iframe says unchanged", async () => {
    await recordIframeAnswers();
    const refreshed = await page.evaluate(() =>
      (globalThis as unknown as AppWindow).keycloak.updateToken(-1),
    );
    const state = await adapterState();

    expect(refreshed).toBe(true);
    expect(await iframeAnswers()).toEqual(["unchanged"]);
    expect(state.authenticated).toBe(true);
    expect(state.token).not.toBe(firstToken);
  });

  it("signs in again silently on reload: check-sso through a prompt=none iframe", async () => {
    const before = authorizations.length;

    expect(await openApp()).toEqual({ authenticated: true });
    const silent = authorizations.slice(before);

    expect(silent.length).toBeGreaterThan(0);
    for (const entry of silent) {
      expect(entry.url.searchParams.get("prompt")).toBe("none");
      expect(entry.framed).toBe(true);
      // prompt=none redirects to the silent check page; it never renders one of ours.
      expect(entry.status).toBe(302);
    }
  });

  it("sees through the session iframe that the session ended in another tab", async () => {
    const other = await context.newPage();
    await other.goto(`${latchkey.origin}/realms/spa/account`);
    await other.click('form[action$="/account/logout"] button[type="submit"]');
    await other.waitForURL(/login-actions|\/account/);
    await other.close();
    await recordIframeAnswers();

    await page.evaluate(() =>
      (globalThis as unknown as AppWindow).keycloak.updateToken(5).catch(() => false),
    );

    expect(await iframeAnswers()).toEqual(["changed"]);
    expect((await adapterState()).authenticated).toBe(false);
  });

  it("answers check-sso without a session by a redirect; the app stays signed out", async () => {
    const before = authorizations.length;

    expect(await openApp()).toEqual({ authenticated: false });
    for (const entry of authorizations.slice(before)) expect(entry.status).toBe(302);
  });

  it("logs out through keycloak-js and returns to the app signed out", async () => {
    expect(await signInThroughApp()).toEqual({ authenticated: true });

    const logoutRequest = page.waitForRequest((request) =>
      request.url().includes("/protocol/openid-connect/logout"),
    );
    const appLoaded = page.waitForEvent("load");
    await page.evaluate(() => {
      void (globalThis as unknown as AppWindow).keycloak.logout();
    });
    const logout = await (await logoutRequest).response();
    await appLoaded;

    expect(logout?.status()).toBe(302);
    expect(logout?.headers().location).toBe(`${spa.origin}/`);
    expect(await page.evaluate(() => (globalThis as unknown as AppWindow).ready)).toEqual({
      authenticated: false,
    });
    const cookies = await context.cookies(latchkey.origin);
    expect(cookies.find((cookie) => cookie.name === "KEYCLOAK_SESSION")).toBeUndefined();
  });
});
