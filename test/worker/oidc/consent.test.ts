import { describe, expect, it } from "vitest";
import { appRefresh, appRequest, exchangeAppCode, seedAppRealm } from "../support/app-client";
import { authorize, callbackParams } from "../support/authorization";
import { Browser, readForm } from "../support/browser";
import { authorizeUrl, signIn } from "../support/oidc";
import { expectErrorPage } from "../support/pages";
import { SPA_REDIRECT } from "../support/realm";

const thirdParty = { consentRequired: true, name: "Photo Printer" };

/** Signs ada in for `app` and returns the consent page that follows. */
async function signInToConsent(oidc: string, browser: Browser, extra = {}) {
  const { params, verifier } = await appRequest(extra);
  const url = authorizeUrl(oidc, params);
  const page = await signIn(browser, url);
  expect(page.status).toBe(200);
  return { html: await page.text(), url, verifier };
}

/** Submits the consent page's form with a decision. */
function decide(browser: Browser, html: string, url: string, decision: "approve" | "deny") {
  const { action, hidden } = readForm(html, url);
  return browser.post(action, { ...hidden, decision });
}

/** Signs in, approves, exchanges the code: ada's tokens for `app` in a signed-in browser. */
async function approvedTokens(oidc: string, extra = {}) {
  const browser = new Browser();
  const { html, url, verifier } = await signInToConsent(oidc, browser, extra);
  const callback = callbackParams(await decide(browser, html, url, "approve"), SPA_REDIRECT);
  return { browser, tokens: await exchangeAppCode(oidc, callback.get("code") ?? "", verifier) };
}

describe("consent for third-party clients (Keycloak's consentRequired)", () => {
  it("asks after sign-in, naming the app and what it asks for", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { html } = await signInToConsent(realm.oidc, new Browser());

    expect(html).toContain("Photo Printer asks for access to:");
    expect(html).toContain("Your name and username");
    expect(html).toContain("Your email address");
    expect(html).not.toContain("Your phone number");
  });

  it("describes the scopes in German for a German browser", async () => {
    const realm = await seedAppRealm(thirdParty);
    const browser = new Browser();
    const { html } = await signInToConsent(realm.oidc, browser, { ui_locales: "de" });

    expect(html).toContain("Photo Printer bittet um Zugriff auf:");
    expect(html).toContain("Ihre E-Mail-Adresse");
  });

  it("sends a code once the person approves", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { tokens } = await approvedTokens(realm.oidc);

    expect(tokens.scope).toBe("openid profile email");
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it("remembers the approval: the next request gets a code without the page", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { browser } = await approvedTokens(realm.oidc);
    const { params } = await appRequest();

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("code")).toBeTruthy();
  });

  it("asks again, only for the scope not yet approved", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { browser } = await approvedTokens(realm.oidc);
    const { params } = await appRequest({ scope: "openid phone" });

    const page = await authorize(realm.oidc, params, browser);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("Your phone number");
    expect(html).not.toContain("Your email address");
  });

  it("asks again with prompt=consent although everything was approved", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { browser } = await approvedTokens(realm.oidc);
    const { params } = await appRequest({ prompt: "consent" });

    const html = await (await authorize(realm.oidc, params, browser)).text();
    expect(html).toContain("Your email address");
  });

  it("answers consent_required to prompt=none when approval is missing", async () => {
    const realm = await seedAppRealm(thirdParty);
    const browser = new Browser();
    await signInToConsent(realm.oidc, browser);
    const { params } = await appRequest({ prompt: "none" });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("error")).toBe("consent_required");
    expect(callback.get("state")).toBe("state-123");
    expect(callback.has("code")).toBe(false);
  });

  it("answers a code to prompt=none once everything was approved", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { browser } = await approvedTokens(realm.oidc);
    const { params } = await appRequest({ prompt: "none" });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("code")).toBeTruthy();
  });

  it("sends access_denied to the redirect URI when the person denies", async () => {
    const realm = await seedAppRealm(thirdParty);
    const browser = new Browser();
    const { html, url } = await signInToConsent(realm.oidc, browser);

    const callback = callbackParams(await decide(browser, html, url, "deny"), SPA_REDIRECT);
    expect(callback.get("error")).toBe("access_denied");
    expect(callback.get("state")).toBe("state-123");
    expect(callback.has("code")).toBe(false);
  });

  it("refuses a decision without the page's CSRF token and records nothing", async () => {
    const realm = await seedAppRealm(thirdParty);
    const browser = new Browser();
    const { html, url } = await signInToConsent(realm.oidc, browser);
    const { action } = readForm(html, url);

    await expectErrorPage(await browser.post(action, { decision: "approve" }), "error.csrf", 403);
    const { params } = await appRequest({ prompt: "none" });
    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("error")).toBe("consent_required");
  });
});

describe("grants on the account page", () => {
  it("lists the approved app and revoking it ends its refresh tokens", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { browser, tokens } = await approvedTokens(realm.oidc);

    const html = await (await browser.get(realm.account)).text();
    expect(html).toContain("Applications with access");
    expect(html).toContain("Photo Printer");
    const revokeForm = html.slice(html.indexOf('<section class="grants"'));
    const { action, hidden } = readForm(revokeForm, realm.account);
    expect(hidden.client_id).toBe("app");

    expect((await browser.post(action, hidden)).status).toBe(303);
    const refused = await appRefresh(realm.oidc, tokens.refresh_token ?? "");
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe("invalid_grant");
    expect(await (await browser.get(realm.account)).text()).not.toContain("Photo Printer");
  });

  it("asks for consent again after the grant was revoked", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { browser } = await approvedTokens(realm.oidc);
    const html = await (await browser.get(realm.account)).text();
    const revokeForm = html.slice(html.indexOf('<section class="grants"'));
    const { action, hidden } = readForm(revokeForm, realm.account);
    await browser.post(action, hidden);

    const { params } = await appRequest({ prompt: "none" });
    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("error")).toBe("consent_required");
  });

  it("refuses to revoke the grant of a client the realm does not have", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { browser } = await approvedTokens(realm.oidc);
    const html = await (await browser.get(realm.account)).text();
    const revokeForm = html.slice(html.indexOf('<section class="grants"'));
    const { action, hidden } = readForm(revokeForm, realm.account);

    const response = await browser.post(action, { ...hidden, client_id: "nobody" });
    await expectErrorPage(response, "error.unknownClient");
    expect(await (await browser.get(realm.account)).text()).toContain("Photo Printer");
  });

  it("refuses a revocation without the page's CSRF token and keeps the grant", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { browser, tokens } = await approvedTokens(realm.oidc);

    const response = await browser.post(`${realm.account}/grants/revoke`, { client_id: "app" });
    await expectErrorPage(response, "error.csrf", 403);
    expect((await appRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });
});
