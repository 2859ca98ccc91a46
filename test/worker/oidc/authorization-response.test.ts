import { describe, expect, it } from "vitest";
import { authorize, callbackParams, signedInBrowser } from "../support/authorization";
import { Browser, readForm } from "../support/browser";
import { authorizeUrl, signIn, spaRequest, tokenRequest } from "../support/oidc";
import { SPA_REDIRECT, seedRealm } from "../support/realm";

describe("response_mode=form_post (OAuth 2.0 Form Post Response Mode)", () => {
  it("answers with a page whose form posts code, state and iss to the redirect_uri", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInBrowser(realm.oidc);
    const { params, verifier } = await spaRequest({ response_mode: "form_post" });

    const response = await authorize(realm.oidc, params, browser);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(html).toMatch(/<form[^>]*method="post"/);

    const { action, hidden } = readForm(html, realm.oidc);
    expect(action).toBe(SPA_REDIRECT);
    expect(hidden).toEqual({
      code: expect.any(String),
      session_state: expect.any(String),
      state: "state-123",
      iss: realm.issuer,
    });

    const tokens = await tokenRequest(realm.oidc, {
      grant_type: "authorization_code",
      client_id: "spa",
      code: hidden.code ?? "",
      redirect_uri: SPA_REDIRECT,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
  });

  it("posts errors to the redirect_uri the same way", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ response_mode: "form_post", prompt: "none" });

    const response = await authorize(realm.oidc, params);
    const { action, hidden } = readForm(await response.text(), realm.oidc);
    expect(response.status).toBe(200);
    expect(action).toBe(SPA_REDIRECT);
    expect(hidden).toMatchObject({
      error: "login_required",
      state: "state-123",
      iss: realm.issuer,
    });
  });

  it("posts the code after the person signs in on the page", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ response_mode: "form_post" });

    const response = await signIn(new Browser(), authorizeUrl(realm.oidc, params));
    const { action, hidden } = readForm(await response.text(), realm.oidc);
    expect(response.status).toBe(200);
    expect(action).toBe(SPA_REDIRECT);
    expect(Object.keys(hidden).sort()).toEqual(["code", "iss", "session_state", "state"]);
  });
});

describe("issuer identification in authorization responses (RFC 9207)", () => {
  it("adds iss to a code sent after sign-in", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();

    const response = await signIn(new Browser(), authorizeUrl(realm.oidc, params));
    const callback = callbackParams(response, SPA_REDIRECT);
    expect(callback.get("code")).toBeTruthy();
    expect(callback.get("state")).toBe("state-123");
    expect(callback.get("iss")).toBe(realm.issuer);
  });

  it("names each realm as its own issuer", async () => {
    const first = await seedRealm();
    const second = await seedRealm();
    const { params } = await spaRequest({ prompt: "none" });

    const one = callbackParams(await authorize(first.oidc, params), SPA_REDIRECT);
    const two = callbackParams(await authorize(second.oidc, params), SPA_REDIRECT);
    expect(one.get("iss")).toBe(first.issuer);
    expect(two.get("iss")).toBe(second.issuer);
  });

  it("keeps responses to the browser out of caches", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ prompt: "none" });

    const response = await authorize(realm.oidc, params);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("response_mode=fragment (OAuth 2.0 Multiple Response Types §2.1)", () => {
  /** The parameters a redirect carries in its fragment. */
  function fragmentParams(response: Response): URLSearchParams {
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.search).toBe("");
    return new URLSearchParams(location.hash.slice(1));
  }

  it("puts code, state and iss in the fragment, as keycloak-js asks by default", async () => {
    const realm = await seedRealm();
    const { params, verifier } = await spaRequest({ response_mode: "fragment" });
    const response = await signIn(new Browser(), authorizeUrl(realm.oidc, params));

    const fragment = fragmentParams(response);
    expect(fragment.get("state")).toBe("state-123");
    expect(fragment.get("iss")).toBe(realm.issuer);

    const exchange = await tokenRequest(realm.oidc, {
      grant_type: "authorization_code",
      client_id: "spa",
      code: fragment.get("code") ?? "",
      redirect_uri: SPA_REDIRECT,
      code_verifier: verifier,
    });
    expect(exchange.status).toBe(200);
  });

  it("puts errors in the fragment too", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ response_mode: "fragment", prompt: "none" });
    const fragment = fragmentParams(await authorize(realm.oidc, params));

    expect(fragment.get("error")).toBe("login_required");
    expect(fragment.get("state")).toBe("state-123");
  });
});
