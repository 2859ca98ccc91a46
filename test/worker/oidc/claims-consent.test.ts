import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { appRequest, exchangeAppCode, seedAppRealm } from "../support/app-client";
import { authorize, callbackParams } from "../support/authorization";
import { Browser, readForm } from "../support/browser";
import { authorizeUrl, signIn } from "../support/oidc";
import { expectLoginPage } from "../support/pages";
import { SPA_REDIRECT } from "../support/realm";

const thirdParty = { consentRequired: true, name: "Photo Printer" };
const askPhone = JSON.stringify({ id_token: { phone_number: null } });

/** Signs ada in for `app` and returns the consent page's form. */
async function signInToConsent(oidc: string, browser: Browser, extra = {}) {
  const { params, verifier } = await appRequest(extra);
  const url = authorizeUrl(oidc, params);
  const page = await signIn(browser, url);
  expect(page.status).toBe(200);
  const html = await page.text();
  return { html, form: readForm(html, url), verifier };
}

/** Submits the consent form with approval, to `action` unless told otherwise. */
function approve(browser: Browser, form: ReturnType<typeof readForm>, action = form.action) {
  return browser.post(action, { ...form.hidden, decision: "approve" });
}

describe("consent to the claims asked for (OpenID Connect Core §5.5, Keycloak's consent)", () => {
  it("asks for the scope holding a claim asked for by name", async () => {
    const realm = await seedAppRealm(thirdParty);
    const { html } = await signInToConsent(realm.oidc, new Browser(), { claims: askPhone });

    expect(html).toContain("Your phone number");
  });

  it("remembers the approval of a claim's scope for the next request", async () => {
    const realm = await seedAppRealm(thirdParty);
    const browser = new Browser();
    const { form, verifier } = await signInToConsent(realm.oidc, browser, { claims: askPhone });
    const callback = callbackParams(await approve(browser, form), SPA_REDIRECT);
    const tokens = await exchangeAppCode(realm.oidc, callback.get("code") ?? "", verifier);
    expect(decodeJwt(tokens.id_token ?? "").phone_number).toBe("+44 20 7946 0000");

    const { params } = await appRequest({ prompt: "none", claims: askPhone });
    const again = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(again.get("code")).toBeTruthy();
  });

  it("answers consent_required to prompt=none for a claim of an unapproved scope", async () => {
    const realm = await seedAppRealm(thirdParty);
    const browser = new Browser();
    const { form } = await signInToConsent(realm.oidc, browser);
    callbackParams(await approve(browser, form), SPA_REDIRECT);

    const { params } = await appRequest({ prompt: "none", claims: askPhone });
    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("error")).toBe("consent_required");
  });
});

describe("acr through the consent page (Keycloak's acr)", () => {
  it("keeps acr 1 for a sign-in followed by consent", async () => {
    const realm = await seedAppRealm(thirdParty);
    const browser = new Browser();
    const { form, verifier } = await signInToConsent(realm.oidc, browser);

    const callback = callbackParams(await approve(browser, form), SPA_REDIRECT);
    const tokens = await exchangeAppCode(realm.oidc, callback.get("code") ?? "", verifier);
    expect(decodeJwt(tokens.id_token ?? "").acr).toBe("1");
  });

  it("gives acr 0 when the form's proof of the sign-in is removed", async () => {
    const realm = await seedAppRealm(thirdParty);
    const browser = new Browser();
    const { form, verifier } = await signInToConsent(realm.oidc, browser);
    const action = new URL(form.action);
    expect(action.searchParams.has("authn")).toBe(true);
    action.searchParams.delete("authn");

    const callback = callbackParams(await approve(browser, form, action.href), SPA_REDIRECT);
    const tokens = await exchangeAppCode(realm.oidc, callback.get("code") ?? "", verifier);
    expect(decodeJwt(tokens.id_token ?? "").acr).toBe("0");
  });

  it("gives acr 0 when the proof is moved to a request it was not issued for", async () => {
    const realm = await seedAppRealm(thirdParty);
    const browser = new Browser();
    const { form, verifier } = await signInToConsent(realm.oidc, browser);
    const action = new URL(form.action);
    action.searchParams.set("state", "another-request");

    const callback = callbackParams(await approve(browser, form, action.href), SPA_REDIRECT);
    const tokens = await exchangeAppCode(realm.oidc, callback.get("code") ?? "", verifier);
    expect(decodeJwt(tokens.id_token ?? "").acr).toBe("0");
  });

  it("asks for a sign-in when an essential acr of 1 comes to consent unproven", async () => {
    const realm = await seedAppRealm(thirdParty);
    const browser = new Browser();
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ["1"] } } });
    const { form } = await signInToConsent(realm.oidc, browser, { claims });
    const action = new URL(form.action);
    action.searchParams.delete("authn");

    await expectLoginPage(await approve(browser, form, action.href));
  });
});
