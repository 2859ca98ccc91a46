import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { authorize, callbackParams, signedInBrowser } from "../support/authorization";
import { authorizeUrl, signIn, spaRequest, tokenRequest } from "../support/oidc";
import { expectLoginPage } from "../support/pages";
import { SPA_REDIRECT, seedRealm, USER_EMAIL } from "../support/realm";
import { setSessionAuthTime } from "../support/store";

describe("prompt, max_age and SSO (OpenID Connect Core §3.1.2.1)", () => {
  it("sends login_required for prompt=none without a session", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ prompt: "none" });

    const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
    expect(callback.get("error")).toBe("login_required");
    expect(callback.get("state")).toBe("state-123");
    expect(callback.get("iss")).toBe(realm.issuer);
    expect(callback.has("code")).toBe(false);
  });

  it("sends a code at once for prompt=none with a session", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInBrowser(realm.oidc);
    const { params } = await spaRequest({ prompt: "none" });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("code")).toBeTruthy();
    expect(callback.get("state")).toBe("state-123");
    expect(callback.get("iss")).toBe(realm.issuer);
    expect(callback.has("error")).toBe(false);
  });

  it("reuses the SSO session without showing a page when no prompt is given", async () => {
    const realm = await seedRealm();
    const { browser, sid } = await signedInBrowser(realm.oidc);
    const { params, verifier } = await spaRequest();

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    const tokens = await tokenRequest(realm.oidc, {
      grant_type: "authorization_code",
      client_id: "spa",
      code: callback.get("code") ?? "",
      redirect_uri: SPA_REDIRECT,
      code_verifier: verifier,
    });
    const body = (await tokens.json()) as Record<string, string>;
    expect(decodeJwt(body.id_token ?? "").sid).toBe(sid);
  });

  it("does not reuse a session from another realm", async () => {
    const realm = await seedRealm();
    const other = await seedRealm();
    const { browser } = await signedInBrowser(other.oidc);
    const { params } = await spaRequest({ prompt: "none" });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("error")).toBe("login_required");
  });

  it("shows the sign-in page again for prompt=login with a session", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInBrowser(realm.oidc);
    const { params } = await spaRequest({ prompt: "login" });

    await expectLoginPage(await authorize(realm.oidc, params, browser));
  });

  it("keeps the session when the same person signs in again for prompt=login", async () => {
    const realm = await seedRealm();
    const { browser, sid } = await signedInBrowser(realm.oidc);
    const { params, verifier } = await spaRequest({ prompt: "login" });

    const response = await signIn(browser, authorizeUrl(realm.oidc, params));
    const callback = callbackParams(response, SPA_REDIRECT);
    const tokens = await tokenRequest(realm.oidc, {
      grant_type: "authorization_code",
      client_id: "spa",
      code: callback.get("code") ?? "",
      redirect_uri: SPA_REDIRECT,
      code_verifier: verifier,
    });
    const body = (await tokens.json()) as Record<string, string>;
    expect(decodeJwt(body.id_token ?? "").sid).toBe(sid);
  });

  it("shows the sign-in page again for max_age=0 and a session signed in this second", async () => {
    const realm = await seedRealm();
    const { browser, sid } = await signedInBrowser(realm.oidc);
    await setSessionAuthTime(sid, Math.floor(Date.now() / 1000));
    const { params } = await spaRequest({ max_age: "0" });

    await expectLoginPage(await authorize(realm.oidc, params, browser));
  });

  it("shows the sign-in page again when the sign-in is older than max_age", async () => {
    const realm = await seedRealm();
    const { browser, sid } = await signedInBrowser(realm.oidc);
    await setSessionAuthTime(sid, Math.floor(Date.now() / 1000) - 600);
    const { params } = await spaRequest({ max_age: "300" });

    await expectLoginPage(await authorize(realm.oidc, params, browser));
  });

  it("sends a code at once when the sign-in is younger than max_age", async () => {
    const realm = await seedRealm();
    const { browser, sid } = await signedInBrowser(realm.oidc);
    await setSessionAuthTime(sid, Math.floor(Date.now() / 1000) - 60);
    const { params } = await spaRequest({ max_age: "300" });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("code")).toBeTruthy();
  });

  it("sends login_required for prompt=none when the sign-in is older than max_age", async () => {
    const realm = await seedRealm();
    const { browser, sid } = await signedInBrowser(realm.oidc);
    await setSessionAuthTime(sid, Math.floor(Date.now() / 1000) - 600);
    const { params } = await spaRequest({ prompt: "none", max_age: "300" });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("error")).toBe("login_required");
    expect(callback.get("iss")).toBe(realm.issuer);
  });

  it("sends login_required for prompt=none, max_age=0 and a session of this second", async () => {
    const realm = await seedRealm();
    const { browser, sid } = await signedInBrowser(realm.oidc);
    await setSessionAuthTime(sid, Math.floor(Date.now() / 1000));
    const { params } = await spaRequest({ prompt: "none", max_age: "0" });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("error")).toBe("login_required");
  });

  it("fills in the login_hint on the sign-in page", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ login_hint: USER_EMAIL });

    const html = await expectLoginPage(await authorize(realm.oidc, params));
    expect(html).toMatch(/<input[^>]*name="username"[^>]*value="ada@example.com"/);
  });

  it("leaves the username empty without a login_hint", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();

    const html = await expectLoginPage(await authorize(realm.oidc, params));
    expect(html).not.toMatch(/<input[^>]*name="username"[^>]*value="[^"]/);
  });
});
