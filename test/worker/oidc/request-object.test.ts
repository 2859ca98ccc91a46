import { decodeJwt, type JWTPayload, SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  assertionClaims,
  assertionFields,
  HMAC_SECRET,
  SIGNER_REDIRECT,
  seedAssertionRealm,
  signAssertion,
  signerKeys,
  strangerKeys,
} from "../support/assertions";
import { authorize, callbackParams } from "../support/authorization";
import { Browser } from "../support/browser";
import { authorizeUrl, postForm, signIn } from "../support/oidc";
import { expectErrorPage, expectLoginPage } from "../support/pages";

/** The authorization request parameters of `signer`, as a request object carries them. */
const signerParams = {
  client_id: "signer",
  redirect_uri: SIGNER_REDIRECT,
  response_type: "code",
  scope: "openid",
  state: "inside-state",
  nonce: "inside-nonce",
};

/** Signs a request object as `signer` (ES256 with its registered key unless told). */
function requestObject(claims: JWTPayload = {}, key: CryptoKey = signerKeys.privateKey) {
  return new SignJWT({ ...signerParams, ...claims })
    .setProtectedHeader({ alg: "ES256", kid: "signer-1", typ: "oauth-authz-req+jwt" })
    .sign(key);
}

/** An authorization request that carries everything in `request`, with client_id outside. */
function byValue(realmOidc: string, request: string, outside: Record<string, string> = {}) {
  return authorize(realmOidc, { client_id: "signer", request, ...outside });
}

describe("request objects (OpenID Connect Core §6.1, RFC 9101)", () => {
  it("signs the person in with the parameters of a signed request object", async () => {
    const realm = await seedAssertionRealm();
    const url = authorizeUrl(realm.oidc, { client_id: "signer", request: await requestObject() });

    const callback = callbackParams(await signIn(new Browser(), url), SIGNER_REDIRECT);
    expect(callback.get("code")).toBeTruthy();
    expect(callback.get("state")).toBe("inside-state");
  });

  it("lets the parameters inside the object win over those outside", async () => {
    const realm = await seedAssertionRealm();
    const request = await requestObject();
    const url = authorizeUrl(realm.oidc, { client_id: "signer", request, state: "outside" });

    const callback = callbackParams(await signIn(new Browser(), url), SIGNER_REDIRECT);
    expect(callback.get("state")).toBe("inside-state");
  });

  it("accepts iss and aud when they name the client and this server", async () => {
    const realm = await seedAssertionRealm();
    const request = await requestObject({ iss: "signer", aud: realm.issuer });

    await expectLoginPage(await byValue(realm.oidc, request));
  });

  it("refuses an unsigned request object unless the client allows it", async () => {
    const realm = await seedAssertionRealm();
    const request = new UnsecuredJWT(signerParams).encode();

    await expectErrorPage(await byValue(realm.oidc, request), "error.invalidRequestObject");
  });

  it("accepts an unsigned request object from a client that allows none", async () => {
    const realm = await seedAssertionRealm({ "request.object.signature.alg": "none" });
    const request = new UnsecuredJWT(signerParams).encode();

    await expectLoginPage(await byValue(realm.oidc, request));
  });

  it("refuses an object signed with a key the client did not register", async () => {
    const realm = await seedAssertionRealm();
    const request = await requestObject({}, strangerKeys.privateKey);

    await expectErrorPage(await byValue(realm.oidc, request), "error.invalidRequestObject");
  });

  it("refuses an object signed with HMAC", async () => {
    const realm = await seedAssertionRealm();
    const request = await signAssertion(signerParams, HMAC_SECRET, "HS256");

    await expectErrorPage(await byValue(realm.oidc, request), "error.invalidRequestObject");
  });

  it.each([
    ["a client_id of another client", { client_id: "hmac" }],
    ["an iss other than the client", { iss: "hmac" }],
    ["an aud other than this server", { aud: "https://other.example" }],
    ["an exp in the past", { exp: Math.floor(Date.now() / 1000) - 300 }],
  ])("refuses an object with %s", async (_case, claims) => {
    const realm = await seedAssertionRealm();
    const request = await requestObject(claims);

    await expectErrorPage(await byValue(realm.oidc, request), "error.invalidRequestObject");
  });

  it("refuses a request object together with a request_uri", async () => {
    const realm = await seedAssertionRealm();
    const outside = { request_uri: "urn:ietf:params:oauth:request_uri:x" };

    const response = await byValue(realm.oidc, await requestObject(), outside);
    await expectErrorPage(response, "error.invalidRequest");
  });

  it("refuses a signed object from a client that registered no keys", async () => {
    const realm = await seedAssertionRealm();
    const request = await requestObject({ client_id: "spa" });

    const response = await authorize(realm.oidc, { client_id: "spa", request });
    await expectErrorPage(response, "error.invalidRequestObject");
  });
});

describe("request objects in pushed authorization requests (RFC 9126 §3)", () => {
  async function push(oidc: string, request: string) {
    const endpoint = `${oidc}/ext/par/request`;
    const assertion = await signAssertion(assertionClaims("signer", endpoint));
    return postForm(endpoint, { client_id: "signer", request, ...assertionFields(assertion) });
  }

  it("stores the object's parameters behind the request_uri", async () => {
    const realm = await seedAssertionRealm();
    const pushed = await push(realm.oidc, await requestObject());
    expect(pushed.status).toBe(201);
    const { request_uri } = (await pushed.json()) as { request_uri: string };

    const url = authorizeUrl(realm.oidc, { client_id: "signer", request_uri });
    const callback = callbackParams(await signIn(new Browser(), url), SIGNER_REDIRECT);
    expect(callback.get("state")).toBe("inside-state");
  });

  it("refuses an unsigned object with invalid_request_object", async () => {
    const realm = await seedAssertionRealm();

    const pushed = await push(realm.oidc, new UnsecuredJWT(signerParams).encode());
    expect(pushed.status).toBe(400);
    expect(((await pushed.json()) as { error: string }).error).toBe("invalid_request_object");
  });
});

describe("RFC 8707 resources in request objects", () => {
  const API = "https://api.example/";
  const LEDGER = "https://ledger.example/v1";
  const resources = { "resource.indicators": `${API}##${LEDGER}` };

  it("takes an array of resources, all of which become the access token's aud", async () => {
    const realm = await seedAssertionRealm(resources);
    const request = await requestObject({ resource: [API, LEDGER] });
    const url = authorizeUrl(realm.oidc, { client_id: "signer", request });
    const code = callbackParams(await signIn(new Browser(), url), SIGNER_REDIRECT).get("code");

    const assertion = await signAssertion(assertionClaims("signer", `${realm.oidc}/token`));
    const response = await postForm(`${realm.oidc}/token`, {
      grant_type: "authorization_code",
      code: code ?? "",
      redirect_uri: SIGNER_REDIRECT,
      ...assertionFields(assertion, "signer"),
    });
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    expect(decodeJwt(access_token).aud).toEqual([API, LEDGER]);
  });

  it("answers invalid_target for an array naming a resource not allowed", async () => {
    const realm = await seedAssertionRealm(resources);
    const request = await requestObject({ resource: [API, "https://other.example/"] });

    const response = await byValue(realm.oidc, request);
    expect(callbackParams(response, SIGNER_REDIRECT).get("error")).toBe("invalid_target");
  });

  it("refuses a resource array holding something other than strings", async () => {
    const realm = await seedAssertionRealm(resources);
    const request = await requestObject({ resource: [API, 7] });

    await expectErrorPage(await byValue(realm.oidc, request), "error.invalidRequestObject");
  });
});
