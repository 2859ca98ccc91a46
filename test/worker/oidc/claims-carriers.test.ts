import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { SIGNER_REDIRECT, seedAssertionRealm, signerKeys } from "../support/assertions";
import { authorize, callbackParams, signedInBrowser } from "../support/authorization";
import { Browser } from "../support/browser";
import { backendAuthorization, backendRequest, exchangeBackendCode } from "../support/clients";
import { authorizeUrl, postForm, signIn } from "../support/oidc";
import { expectLoginPage } from "../support/pages";
import { BACKEND_REDIRECT } from "../support/realm";

const essentialAcr = (values: string[]) => ({ id_token: { acr: { essential: true, values } } });

/** `backend` pushes an authorization request (RFC 9126) with client_secret_basic. */
function pushBackend(oidc: string, fields: Record<string, string>) {
  return postForm(`${oidc}/ext/par/request`, backendRequest(fields), {
    authorization: backendAuthorization(),
  });
}

/** A request object of `signer` whose `claims` member is a JSON object (OIDC Core §6.1). */
function requestObject(claims: unknown) {
  return new SignJWT({
    client_id: "signer",
    redirect_uri: SIGNER_REDIRECT,
    response_type: "code",
    scope: "openid",
    state: "inside-state",
    claims: claims as Record<string, unknown>,
  })
    .setProtectedHeader({ alg: "ES256", kid: "signer-1", typ: "oauth-authz-req+jwt" })
    .sign(signerKeys.privateKey);
}

describe("the claims parameter in pushed requests (RFC 9126, OpenID Connect Core §5.5)", () => {
  it("carries the claims pushed with the request into the tokens", async () => {
    const realm = await seedAssertionRealm();
    const claims = JSON.stringify({ userinfo: { given_name: null }, ...essentialAcr(["1"]) });
    const pushed = await pushBackend(realm.oidc, { claims });
    expect(pushed.status).toBe(201);
    const { request_uri } = (await pushed.json()) as { request_uri: string };

    const url = authorizeUrl(realm.oidc, { client_id: "backend", request_uri });
    const callback = callbackParams(await signIn(new Browser(), url), BACKEND_REDIRECT);
    const response = await exchangeBackendCode(realm.oidc, callback.get("code") ?? "");
    const tokens = (await response.json()) as Record<string, string>;
    const accessToken = decodeJwt(tokens.access_token ?? "");
    expect(accessToken.userinfo_claims).toEqual(["given_name"]);
    expect(accessToken.acr).toBe("1");
  });

  it("answers invalid_request to a pushed request with a malformed claims parameter", async () => {
    const realm = await seedAssertionRealm();

    const response = await pushBackend(realm.oidc, { claims: '{"userinfo": null}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_request");
  });

  it("answers unmet_authentication_requirements to a pushed essential acr above 1", async () => {
    const realm = await seedAssertionRealm();

    const claims = JSON.stringify(essentialAcr(["2"]));
    const response = await pushBackend(realm.oidc, { claims });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string };
    expect(body.error).toBe("unmet_authentication_requirements");
  });
});

describe("the claims member of request objects (OpenID Connect Core §6.1)", () => {
  it("reads claims given as a JSON object inside the request object", async () => {
    const realm = await seedAssertionRealm();
    const { browser } = await signedInBrowser(realm.oidc);
    const request = await requestObject(essentialAcr(["1"]));

    // An SSO session is there, but the essential acr of 1 needs a sign-in.
    await expectLoginPage(await authorize(realm.oidc, { client_id: "signer", request }, browser));
  });

  it("redirects unmet_authentication_requirements for an essential acr above 1", async () => {
    const realm = await seedAssertionRealm();
    const request = await requestObject(essentialAcr(["3"]));

    const response = await authorize(realm.oidc, { client_id: "signer", request });
    const callback = callbackParams(response, SIGNER_REDIRECT);
    expect(callback.get("error")).toBe("unmet_authentication_requirements");
    expect(callback.get("state")).toBe("inside-state");
  });

  it("redirects invalid_request for a claims object of the wrong shape", async () => {
    const realm = await seedAssertionRealm();
    const request = await requestObject({ id_token: { email: { essential: 1 } } });

    const response = await authorize(realm.oidc, { client_id: "signer", request });
    expect(callbackParams(response, SIGNER_REDIRECT).get("error")).toBe("invalid_request");
  });
});
