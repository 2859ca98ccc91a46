import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  appRequest,
  appTokens,
  exchangeAppCode,
  GRACE_EMAIL,
  seedAppRealm,
} from "../support/app-client";
import { authorize, callbackParams } from "../support/authorization";
import { type Browser, readForm } from "../support/browser";
import { authorizeUrl } from "../support/oidc";
import { expectLoginPage } from "../support/pages";
import { ORIGIN, SPA_REDIRECT, USER_PASSWORD } from "../support/realm";

/** The href of the link whose text is `text`, resolved against the server's origin. */
function linkTo(html: string, text: string): string {
  const link = new RegExp(`<a[^>]*href="([^"]*)"[^>]*>${text}</a>`).exec(html);
  if (!link?.[1]) throw new Error(`no link "${text}" on the page`);
  return new URL(link[1].replace(/&amp;/g, "&"), ORIGIN).toString();
}

/** Ada's signed-in browser and the select-account page of a new request. */
async function selectAccountPage() {
  const realm = await seedAppRealm();
  const { browser, tokens } = await appTokens(realm.oidc);
  const { params, verifier } = await appRequest({ prompt: "select_account" });
  const page = await authorize(realm.oidc, params, browser);
  return { realm, browser, page, verifier, adaSub: decodeJwt(tokens.id_token ?? "").sub };
}

async function codeFor(browser: Browser, url: string) {
  return callbackParams(await browser.get(url), SPA_REDIRECT).get("code") ?? "";
}

describe("prompt=select_account (OpenID Connect Core §3.1.2.1)", () => {
  it("offers to continue as the signed-in person or to use another account", async () => {
    const { page } = await selectAccountPage();
    const html = await page.text();

    expect(page.status).toBe(200);
    expect(page.headers.get("location")).toBeNull();
    expect(html).toContain("Continue as Ada Lovelace");
    expect(html).toContain("Use another account");
  });

  it("continues as the signed-in person with a code for their session", async () => {
    const { realm, browser, page, verifier, adaSub } = await selectAccountPage();
    const continueUrl = linkTo(await page.text(), "Continue as Ada Lovelace");
    expect(new URL(continueUrl).searchParams.has("prompt")).toBe(false);

    const tokens = await exchangeAppCode(realm.oidc, await codeFor(browser, continueUrl), verifier);
    expect(decodeJwt(tokens.id_token ?? "").sub).toBe(adaSub);
  });

  it("signs in another person who chooses another account", async () => {
    const { realm, browser, page, verifier, adaSub } = await selectAccountPage();
    const loginUrl = linkTo(await page.text(), "Use another account");

    const login = await browser.get(loginUrl);
    const { action, hidden } = readForm(await expectLoginPage(login), loginUrl);
    const signedIn = await browser.post(action, {
      ...hidden,
      username: GRACE_EMAIL,
      password: USER_PASSWORD,
    });
    const code = callbackParams(signedIn, SPA_REDIRECT).get("code") ?? "";
    const tokens = await exchangeAppCode(realm.oidc, code, verifier);
    const sub = decodeJwt(tokens.id_token ?? "").sub;
    expect(sub).toEqual(expect.any(String));
    expect(sub).not.toBe(adaSub);
  });

  it("shows the sign-in page when nobody is signed in", async () => {
    const realm = await seedAppRealm();
    const { params } = await appRequest({ prompt: "select_account" });

    await expectLoginPage(await authorize(realm.oidc, params));
  });

  it("reuses the session without a page when select_account is not asked for", async () => {
    const realm = await seedAppRealm();
    const { browser } = await appTokens(realm.oidc);
    const { params } = await appRequest();

    expect(await codeFor(browser, authorizeUrl(realm.oidc, params))).toBeTruthy();
  });
});
