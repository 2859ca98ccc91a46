import { describe, expect, it } from "vitest";
import { authorize, callbackParams } from "../support/authorization";
import { Browser } from "../support/browser";
import { authorizeUrl, spaRequest } from "../support/oidc";
import { expectErrorPage, expectLoginPage } from "../support/pages";
import { SPA_REDIRECT, seedRealm } from "../support/realm";
import { disableClient } from "../support/store";

describe("authorization request, client and redirect_uri not yet valid (RFC 6749 §4.1.2.1)", () => {
  it("shows the sign-in page for a registered client and its exact redirect_uri", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();

    await expectLoginPage(await authorize(realm.oidc, params));
  });

  it("accepts the request as a form POST too (OpenID Connect Core §3.1.2.1)", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();

    await expectLoginPage(await new Browser().post(`${realm.oidc}/auth`, params));
  });

  it("shows an error page for a POST whose body is not a form", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();

    const response = await new Browser().fetch(`${realm.oidc}/auth`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    await expectErrorPage(response, "error.invalidRequest");
  });

  it("shows an error page, never a redirect, for an unknown client", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ client_id: "nobody" });

    await expectErrorPage(await authorize(realm.oidc, params), "error.unknownClient");
  });

  it("shows an error page when client_id is missing", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();
    const { client_id: _omitted, ...rest } = params;

    await expectErrorPage(await authorize(realm.oidc, rest), "error.unknownClient");
  });

  it("shows an error page for a disabled client", async () => {
    const realm = await seedRealm();
    await disableClient(realm.name, "spa");
    const { params } = await spaRequest();

    await expectErrorPage(await authorize(realm.oidc, params), "error.unknownClient");
  });

  it("shows an error page when redirect_uri is missing", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();
    const { redirect_uri: _omitted, ...rest } = params;

    await expectErrorPage(await authorize(realm.oidc, rest), "error.missingRedirectUri");
  });

  it.each([
    ["an unregistered address", "https://evil.example/callback"],
    ["a trailing slash", `${SPA_REDIRECT}/`],
    ["upper-case letters", "https://SPA.example/Callback"],
    ["an added query", `${SPA_REDIRECT}?next=1`],
    ["another scheme", "http://spa.example/callback"],
  ])("shows an error page for a redirect_uri with %s", async (_case, redirectUri) => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ redirect_uri: redirectUri });

    await expectErrorPage(await authorize(realm.oidc, params), "error.invalidRedirectUri");
  });

  it("shows an error page for a redirect_uri registered to another client", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ redirect_uri: "https://backend.example/cb" });

    await expectErrorPage(await authorize(realm.oidc, params), "error.invalidRedirectUri");
  });

  it("shows an error page for a repeated parameter, even when both values are valid", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();
    const redirectUri = encodeURIComponent(SPA_REDIRECT);
    const url = `${authorizeUrl(realm.oidc, params)}&redirect_uri=${redirectUri}`;

    await expectErrorPage(await new Browser().get(url), "error.invalidRequest");
  });

  it("shows an error page for a repeated state, which it cannot report to the client", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();
    const url = `${authorizeUrl(realm.oidc, params)}&state=other`;

    await expectErrorPage(await new Browser().get(url), "error.invalidRequest");
  });
});

describe("authorization error responses (RFC 6749 §4.1.2.1, RFC 9207)", () => {
  it("sends invalid_request with state and iss when response_type is missing", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();
    const { response_type: _omitted, ...rest } = params;

    const callback = callbackParams(await authorize(realm.oidc, rest), SPA_REDIRECT);
    expect(callback.get("error")).toBe("invalid_request");
    expect(callback.get("state")).toBe("state-123");
    expect(callback.get("iss")).toBe(realm.issuer);
    expect(callback.has("code")).toBe(false);
  });

  it.each(["token", "code token", "none"])(
    "sends unsupported_response_type for response_type=%s",
    async (responseType) => {
      const realm = await seedRealm();
      const { params } = await spaRequest({ response_type: responseType });

      const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
      expect(callback.get("error")).toBe("unsupported_response_type");
      expect(callback.get("state")).toBe("state-123");
      expect(callback.get("iss")).toBe(realm.issuer);
    },
  );

  it("sends invalid_scope for a scope the realm does not know", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ scope: "openid payments:write" });

    const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
    expect(callback.get("error")).toBe("invalid_scope");
    expect(callback.get("state")).toBe("state-123");
    expect(callback.get("iss")).toBe(realm.issuer);
  });

  it("sends invalid_request when a public client leaves out the code_challenge", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest();
    const { code_challenge: _c, code_challenge_method: _m, ...rest } = params;

    const callback = callbackParams(await authorize(realm.oidc, rest), SPA_REDIRECT);
    expect(callback.get("error")).toBe("invalid_request");
    expect(callback.get("state")).toBe("state-123");
    expect(callback.get("iss")).toBe(realm.issuer);
  });

  it.each([
    ["code_challenge_method=plain", { code_challenge_method: "plain" }],
    ["a code_challenge without its method", { code_challenge_method: "" }],
    ["a code_challenge_method without a challenge", { code_challenge: "" }],
    ["a challenge that is too short", { code_challenge: "abc" }],
    ["a challenge with characters outside base64url", { code_challenge: `${"a".repeat(42)}=` }],
    ["a challenge that is too long", { code_challenge: "a".repeat(44) }],
  ])("sends invalid_request for %s (RFC 7636 §4.3)", async (_case, extra) => {
    const realm = await seedRealm();
    const { params } = await spaRequest(extra);

    const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
    expect(callback.get("error")).toBe("invalid_request");
    expect(callback.get("state")).toBe("state-123");
    expect(callback.get("iss")).toBe(realm.issuer);
  });

  it("shows an error page for an unsigned request object the client did not allow", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ request: "eyJhbGciOiJub25lIn0.e30." });

    await expectErrorPage(await authorize(realm.oidc, params), "error.invalidRequestObject");
  });

  it("shows an error page for a request_uri the client did not register", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ request_uri: "https://spa.example/request.jwt" });

    // OpenID Connect Core §6.2: only registered request_uris are fetched; the redirect_uri
    // outside an object is not trusted, so the error shows on our own page.
    await expectErrorPage(await authorize(realm.oidc, params), "error.unreachableRequestUri");
  });

  it.each(["-1", "1.5", "ten", "1e3", "9999999999"])(
    "sends invalid_request for max_age=%s",
    async (maxAge) => {
      const realm = await seedRealm();
      const { params } = await spaRequest({ max_age: maxAge });

      const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
      expect(callback.get("error")).toBe("invalid_request");
      expect(callback.get("iss")).toBe(realm.issuer);
    },
  );

  it.each(["none login", "none consent", "login sideways"])(
    "sends invalid_request for prompt=%s",
    async (prompt) => {
      const realm = await seedRealm();
      const { params } = await spaRequest({ prompt });

      const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
      expect(callback.get("error")).toBe("invalid_request");
      expect(callback.get("state")).toBe("state-123");
      expect(callback.get("iss")).toBe(realm.issuer);
    },
  );

  it("sends invalid_request in the query for an unsupported response_mode", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ response_mode: "web_message" });

    const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
    expect(callback.get("error")).toBe("invalid_request");
    expect(callback.get("iss")).toBe(realm.issuer);
  });

  it("sends invalid_request for a parameter longer than allowed", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ nonce: "n".repeat(513) });

    const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
    expect(callback.get("error")).toBe("invalid_request");
    expect(callback.get("iss")).toBe(realm.issuer);
  });

  it("leaves state out of the error response when the request had none", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ state: "", response_type: "token" });

    const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
    expect(callback.get("error")).toBe("unsupported_response_type");
    expect(callback.has("state")).toBe(false);
    expect(callback.get("iss")).toBe(realm.issuer);
  });
});
