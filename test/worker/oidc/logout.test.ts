import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { authorize, callbackParams } from "../support/authorization";
import { Browser, readForm } from "../support/browser";
import { signInAndExchange, spaRefresh, spaRequest } from "../support/oidc";
import { expectErrorPage } from "../support/pages";
import { SPA_REDIRECT, seedRealm } from "../support/realm";
import { signAsRealm } from "../support/store";

const SIGNED_OUT = "https://spa.example/signed-out";

function logoutUrl(oidc: string, params: Record<string, string> = {}) {
  const query = new URLSearchParams(params).toString();
  return query ? `${oidc}/logout?${query}` : `${oidc}/logout`;
}

/** What prompt=none answers in this browser: a code while the session lives. */
async function silentAuthorization(oidc: string, browser: Browser) {
  const { params } = await spaRequest({ prompt: "none" });
  return callbackParams(await authorize(oidc, params, browser), SPA_REDIRECT);
}

/** Asserts that the session behind `browser` and `refreshToken` has ended. */
async function expectSignedOut(oidc: string, browser: Browser, refreshToken: string) {
  expect((await silentAuthorization(oidc, browser)).get("error")).toBe("login_required");
  const refused = await spaRefresh(oidc, refreshToken);
  expect(refused.status).toBe(400);
  expect(((await refused.json()) as { error: string }).error).toBe("invalid_grant");
}

/** Asserts that the session is still alive, for the browser and for its refresh token. */
async function expectStillSignedIn(oidc: string, browser: Browser, refreshToken: string) {
  expect((await silentAuthorization(oidc, browser)).get("code")).toBeTruthy();
  expect((await spaRefresh(oidc, refreshToken)).status).toBe(200);
}

describe("logout with an ID token hint (OpenID Connect RP-Initiated Logout 1.0 §2, §3)", () => {
  it("logs out and redirects to the registered post_logout_redirect_uri with state", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      logoutUrl(realm.oidc, {
        id_token_hint: tokens.id_token ?? "",
        post_logout_redirect_uri: SIGNED_OUT,
        state: "bye-1",
      }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${SIGNED_OUT}?state=bye-1`);
    expect(browser.cookies.has(`__Host-lk_sso_${realm.name}`)).toBe(false);

    await expectSignedOut(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("ends the session on the server, not only the browser's cookie", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    const copy = new Browser();
    for (const [name, value] of browser.cookies) copy.cookies.set(name, value);

    await browser.get(logoutUrl(realm.oidc, { id_token_hint: tokens.id_token ?? "" }));

    expect((await silentAuthorization(realm.oidc, copy)).get("error")).toBe("login_required");
  });

  it("redirects without state when the request had none", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      logoutUrl(realm.oidc, {
        id_token_hint: tokens.id_token ?? "",
        post_logout_redirect_uri: SIGNED_OUT,
      }),
    );
    expect(response.headers.get("location")).toBe(SIGNED_OUT);
  });

  it("accepts the request as a form POST", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.post(logoutUrl(realm.oidc), {
      id_token_hint: tokens.id_token ?? "",
      post_logout_redirect_uri: SIGNED_OUT,
      client_id: "spa",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(SIGNED_OUT);
    await expectSignedOut(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("shows the signed-out page when no post_logout_redirect_uri is given", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      logoutUrl(realm.oidc, { id_token_hint: tokens.id_token ?? "" }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You have signed out.");
    await expectSignedOut(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("accepts an ID token hint that has expired", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    const claims = decodeJwt(tokens.id_token ?? "");
    const now = Math.floor(Date.now() / 1000);
    const expired = await signAsRealm(
      realm.name,
      { ...claims, iat: now - 3600, exp: now - 3300 },
      { typ: "JWT", alg: "RS256" },
    );

    const response = await browser.get(
      logoutUrl(realm.oidc, { id_token_hint: expired, post_logout_redirect_uri: SIGNED_OUT }),
    );
    expect(response.status).toBe(302);
    await expectSignedOut(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("shows an error page for an unregistered post_logout_redirect_uri, session kept", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      logoutUrl(realm.oidc, {
        id_token_hint: tokens.id_token ?? "",
        post_logout_redirect_uri: "https://evil.example/signed-out",
      }),
    );
    await expectErrorPage(response, "error.invalidRedirectUri");
    await expectStillSignedIn(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("shows an error page for the sign-in redirect_uri, not a post-logout one", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      logoutUrl(realm.oidc, {
        id_token_hint: tokens.id_token ?? "",
        post_logout_redirect_uri: SPA_REDIRECT,
      }),
    );
    await expectErrorPage(response, "error.invalidRedirectUri");
  });

  it("shows an error page for a post_logout_redirect_uri off by a trailing slash", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      logoutUrl(realm.oidc, {
        id_token_hint: tokens.id_token ?? "",
        post_logout_redirect_uri: `${SIGNED_OUT}/`,
      }),
    );
    await expectErrorPage(response, "error.invalidRedirectUri");
  });

  it("shows an error page for a hint that is not a token and keeps the session", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      logoutUrl(realm.oidc, { id_token_hint: "garbage", post_logout_redirect_uri: SIGNED_OUT }),
    );
    await expectErrorPage(response, "error.invalidRequest");
    await expectStillSignedIn(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("shows an error page for an access token sent as the hint", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      logoutUrl(realm.oidc, { id_token_hint: tokens.access_token ?? "" }),
    );
    await expectErrorPage(response, "error.invalidRequest");
  });

  it("shows an error page for a hint issued by another realm", async () => {
    const realm = await seedRealm();
    const other = await seedRealm();
    const { tokens } = await signInAndExchange(other.oidc);
    const { browser } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      logoutUrl(realm.oidc, { id_token_hint: tokens.id_token ?? "" }),
    );
    await expectErrorPage(response, "error.invalidRequest");
  });

  it("shows an error page when client_id names another client than the hint", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      logoutUrl(realm.oidc, { id_token_hint: tokens.id_token ?? "", client_id: "backend" }),
    );
    await expectErrorPage(response, "error.invalidRequest");
  });

  it("shows an error page for a post_logout_redirect_uri with no client to check it", async () => {
    const realm = await seedRealm();

    const response = await new Browser().get(
      logoutUrl(realm.oidc, { post_logout_redirect_uri: SIGNED_OUT }),
    );
    await expectErrorPage(response, "error.missingClientForLogout");
  });

  it("shows an error page for an unknown client_id", async () => {
    const realm = await seedRealm();

    const response = await new Browser().get(
      logoutUrl(realm.oidc, { client_id: "nobody", post_logout_redirect_uri: SIGNED_OUT }),
    );
    await expectErrorPage(response, "error.unknownClient");
  });
});

describe("logout confirmation without a hint (RP-Initiated Logout 1.0 §2, §6)", () => {
  it("asks the person to confirm and keeps the session until they do", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(logoutUrl(realm.oidc));
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain("Do you want to sign out?");
    const { action, hidden } = readForm(html, realm.oidc);
    expect(action).toBe(logoutUrl(realm.oidc));
    expect(hidden).toMatchObject({ confirm: "yes", csrf_token: expect.any(String) });

    await expectStillSignedIn(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("does not end the session for a GET that claims to confirm", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(logoutUrl(realm.oidc, { confirm: "yes" }));
    expect(response.status).toBe(200);
    await expectStillSignedIn(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("refuses a confirming POST without csrf_token with a 403 page", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    const page = await browser.get(logoutUrl(realm.oidc));
    const { action, hidden } = readForm(await page.text(), realm.oidc);
    const { csrf_token: _omitted, ...withoutToken } = hidden;

    await expectErrorPage(await browser.post(action, withoutToken), "error.csrf", 403);
    await expectStillSignedIn(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("refuses a confirming POST with another browser's csrf_token with a 403 page", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    const page = await new Browser().get(logoutUrl(realm.oidc));
    const { action, hidden } = readForm(await page.text(), realm.oidc);

    await expectErrorPage(await browser.post(action, hidden), "error.csrf", 403);
    await expectStillSignedIn(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("ends the session when the confirmation is posted with its csrf_token", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    const page = await browser.get(logoutUrl(realm.oidc));
    const { action, hidden } = readForm(await page.text(), realm.oidc);

    const response = await browser.post(action, hidden);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You have signed out.");
    await expectSignedOut(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("redirects to the client's post_logout_redirect_uri after the confirmation", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    const page = await browser.get(
      logoutUrl(realm.oidc, {
        client_id: "spa",
        post_logout_redirect_uri: SIGNED_OUT,
        state: "bye-2",
      }),
    );
    const { action, hidden } = readForm(await page.text(), realm.oidc);

    const response = await browser.post(action, hidden);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${SIGNED_OUT}?state=bye-2`);
    await expectSignedOut(realm.oidc, browser, tokens.refresh_token ?? "");
  });

  it("asks for confirmation when the hint names another session than the browser's", async () => {
    const realm = await seedRealm();
    const first = await signInAndExchange(realm.oidc);
    const second = await signInAndExchange(realm.oidc);

    const response = await second.browser.get(
      logoutUrl(realm.oidc, { id_token_hint: first.tokens.id_token ?? "" }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Do you want to sign out?");
    await expectStillSignedIn(realm.oidc, first.browser, first.tokens.refresh_token ?? "");
    await expectStillSignedIn(realm.oidc, second.browser, second.tokens.refresh_token ?? "");
  });
});
