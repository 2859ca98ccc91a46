import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { appRefresh, appRequest, appTokens, seedAppRealm } from "../support/app-client";
import { authorize, callbackParams } from "../support/authorization";
import { Browser } from "../support/browser";
import { authorizeUrl, signIn } from "../support/oidc";
import { expectErrorPage } from "../support/pages";
import { SPA_REDIRECT } from "../support/realm";

const PHONE = "+44 20 7946 0000";

function userinfo(oidc: string, accessToken: string) {
  return SELF.fetch(`${oidc}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
}

async function userinfoClaims(oidc: string, accessToken: string) {
  const response = await userinfo(oidc, accessToken);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** Refreshes `app`'s tokens and returns the token response. */
async function refreshed(oidc: string, refreshToken: string) {
  const response = await appRefresh(oidc, refreshToken);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, string>;
}

/** The authorization response to an `app` request asking for `claims`, from a new browser. */
async function callbackFor(oidc: string, claims: string) {
  const { params } = await appRequest({ claims });
  return callbackParams(await authorize(oidc, params), SPA_REDIRECT);
}

describe("the claims parameter's syntax (OpenID Connect Core §5.5)", () => {
  it("redirects invalid_request when claims is not JSON", async () => {
    const realm = await seedAppRealm();

    const callback = await callbackFor(realm.oidc, '{"id_token": ');
    expect(callback.get("error")).toBe("invalid_request");
    expect(callback.get("state")).toBe("state-123");
    expect(callback.has("code")).toBe(false);
  });

  it("redirects invalid_request when claims is JSON but not an object", async () => {
    const realm = await seedAppRealm();

    const callback = await callbackFor(realm.oidc, '["email"]');
    expect(callback.get("error")).toBe("invalid_request");
  });

  it("redirects invalid_request when a member lists names instead of an object", async () => {
    const realm = await seedAppRealm();

    const callback = await callbackFor(realm.oidc, '{"id_token": ["email"]}');
    expect(callback.get("error")).toBe("invalid_request");
  });

  it("redirects invalid_request when essential is not a boolean", async () => {
    const realm = await seedAppRealm();

    const callback = await callbackFor(realm.oidc, '{"userinfo": {"email": {"essential": "yes"}}}');
    expect(callback.get("error")).toBe("invalid_request");
  });

  it("redirects invalid_request when values is not an array", async () => {
    const realm = await seedAppRealm();

    const callback = await callbackFor(realm.oidc, '{"id_token": {"acr": {"values": "1"}}}');
    expect(callback.get("error")).toBe("invalid_request");
  });

  it("shows an error page, not a redirect, when the redirect_uri is not registered", async () => {
    const realm = await seedAppRealm();
    const { params } = await appRequest({
      claims: "not json",
      redirect_uri: "https://evil.example/cb",
    });

    await expectErrorPage(await authorize(realm.oidc, params), "error.invalidRedirectUri");
  });

  it("reads the claims parameter from a POSTed authorization request", async () => {
    const realm = await seedAppRealm();
    const { params } = await appRequest({ claims: '{"id_token": 5}' });

    const response = await new Browser().post(`${realm.oidc}/auth`, params);
    expect(callbackParams(response, SPA_REDIRECT).get("error")).toBe("invalid_request");
  });

  it("ignores claims it does not know and members other than id_token and userinfo", async () => {
    const realm = await seedAppRealm();
    const claims = '{"id_token": {"shoe_size": null}, "vp_token": {}}';

    const { tokens } = await appTokens(realm.oidc, { claims });
    expect(decodeJwt(tokens.id_token ?? "")).not.toHaveProperty("shoe_size");
    expect(await userinfoClaims(realm.oidc, tokens.access_token ?? "")).not.toHaveProperty(
      "shoe_size",
    );
  });
});

describe("claims released on request (OpenID Connect Core §5.5)", () => {
  it("puts a claim asked for in id_token into the ID token without its scope", async () => {
    const realm = await seedAppRealm();
    const claims = JSON.stringify({ id_token: { phone_number: null } });

    const { tokens } = await appTokens(realm.oidc, { claims });
    expect(tokens.scope).toBe("openid profile email");
    const idToken = decodeJwt(tokens.id_token ?? "");
    expect(idToken.phone_number).toBe(PHONE);
    expect(idToken.phone_number_verified).toBeUndefined();
    // Asked for in the ID token only: the access token and userinfo keep to the scope.
    expect(decodeJwt(tokens.access_token ?? "").phone_number).toBeUndefined();
    expect(await userinfoClaims(realm.oidc, tokens.access_token ?? "")).not.toHaveProperty(
      "phone_number",
    );
  });

  it("returns a claim asked for in userinfo at userinfo, not in the ID token", async () => {
    const realm = await seedAppRealm();
    const claims = JSON.stringify({ userinfo: { address: null, phone_number_verified: null } });

    const { tokens } = await appTokens(realm.oidc, { claims });
    expect(decodeJwt(tokens.id_token ?? "").address).toBeUndefined();
    const answer = await userinfoClaims(realm.oidc, tokens.access_token ?? "");
    expect(answer.address).toEqual({
      street_address: "12 St James's Square",
      locality: "London",
      country: "GB",
    });
    expect(answer.phone_number_verified).toBe(true);
    expect(answer.phone_number).toBeUndefined();
    expect(answer.email).toBe("ada@example.com");
  });

  it("releases an essential claim as it releases a voluntary one", async () => {
    const realm = await seedAppRealm();
    const claims = JSON.stringify({
      id_token: { address: { essential: true }, phone_number: { essential: false } },
    });

    const { tokens } = await appTokens(realm.oidc, { claims });
    const idToken = decodeJwt(tokens.id_token ?? "");
    expect(idToken.address).toMatchObject({ locality: "London" });
    expect(idToken.phone_number).toBe(PHONE);
  });

  it("does not release a claim whose scope the client may not have", async () => {
    const realm = await seedAppRealm({ optionalClientScopes: ["address"] });
    const claims = JSON.stringify({
      id_token: { phone_number: { essential: true } },
      userinfo: { phone_number: null },
    });

    const { tokens } = await appTokens(realm.oidc, { claims });
    expect(decodeJwt(tokens.id_token ?? "").phone_number).toBeUndefined();
    expect(await userinfoClaims(realm.oidc, tokens.access_token ?? "")).not.toHaveProperty(
      "phone_number",
    );
  });

  it("keeps releasing the claims asked for after a refresh", async () => {
    const realm = await seedAppRealm();
    const claims = JSON.stringify({
      id_token: { phone_number: null },
      userinfo: { address: null },
    });
    const { tokens } = await appTokens(realm.oidc, { claims });

    const first = await refreshed(realm.oidc, tokens.refresh_token ?? "");
    expect(decodeJwt(first.id_token ?? "").phone_number).toBe(PHONE);
    const answer = await userinfoClaims(realm.oidc, first.access_token ?? "");
    expect(answer.address).toMatchObject({ country: "GB" });

    const again = await refreshed(realm.oidc, first.refresh_token ?? "");
    expect(decodeJwt(again.id_token ?? "").phone_number).toBe(PHONE);
  });

  it("puts a claim asked for into the ID token of an implicit response", async () => {
    const realm = await seedAppRealm({ implicitFlowEnabled: true });
    const claims = JSON.stringify({ id_token: { phone_number: null } });
    const { params } = await appRequest({ claims, response_type: "id_token" });

    const response = await signIn(new Browser(), authorizeUrl(realm.oidc, params));
    const fragment = new URLSearchParams(
      new URL(response.headers.get("location") ?? "").hash.slice(1),
    );
    expect(decodeJwt(fragment.get("id_token") ?? "").phone_number).toBe(PHONE);
  });
});

describe("a subject asked for by value (OpenID Connect Core §5.5.1)", () => {
  const askSub = (value: string) => JSON.stringify({ id_token: { sub: { value } } });

  it("answers login_required to prompt=none when the session is someone else's", async () => {
    const realm = await seedAppRealm();
    const { browser } = await appTokens(realm.oidc);
    const { params } = await appRequest({ prompt: "none", claims: askSub("someone-else") });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("error")).toBe("login_required");
  });

  it("answers from the session when it is the person asked for", async () => {
    const realm = await seedAppRealm();
    const { browser, tokens } = await appTokens(realm.oidc);
    const sub = String(decodeJwt(tokens.id_token ?? "").sub);
    const { params } = await appRequest({ prompt: "none", claims: askSub(sub) });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("code")).toBeTruthy();
  });
});
