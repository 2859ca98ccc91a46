import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../../src/crypto/digest";
import { database } from "../../../src/db/client";
import { pushedAuthorizationRequests } from "../../../src/db/schema";
import {
  assertionClaims,
  assertionFields,
  SIGNER_REDIRECT,
  seedAssertionRealm,
  signAssertion,
} from "../support/assertions";
import { authorize, callbackParams } from "../support/authorization";
import { Browser } from "../support/browser";
import { backendAuthorization, backendRequest, exchangeBackendCode } from "../support/clients";
import { authorizeUrl, postForm, redirectParams, signIn } from "../support/oidc";
import { expectErrorPage, expectLoginPage } from "../support/pages";
import { BACKEND_REDIRECT } from "../support/realm";

const db = database(env.DB);

const URN = /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/;

/** `backend` pushes an authorization request with client_secret_basic. */
function pushBackend(oidc: string, fields: Record<string, string> = {}) {
  return postForm(`${oidc}/ext/par/request`, backendRequest(fields), {
    authorization: backendAuthorization(),
  });
}

async function pushedRequestUri(oidc: string, fields: Record<string, string> = {}) {
  const response = await pushBackend(oidc, fields);
  expect(response.status).toBe(201);
  return ((await response.json()) as { request_uri: string }).request_uri;
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

describe("pushed authorization requests (RFC 9126)", () => {
  it("answers 201 with a one-time request_uri valid for 60 seconds", async () => {
    const realm = await seedAssertionRealm();

    const response = await pushBackend(realm.oidc);
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { request_uri: string; expires_in: number };
    expect(body.request_uri).toMatch(URN);
    expect(body.expires_in).toBe(60);
  });

  it("signs the person in with the pushed parameters and issues a code", async () => {
    const realm = await seedAssertionRealm();
    const requestUri = await pushedRequestUri(realm.oidc, { state: "pushed-state" });
    const url = authorizeUrl(realm.oidc, { client_id: "backend", request_uri: requestUri });

    const callback = callbackParams(await signIn(new Browser(), url), BACKEND_REDIRECT);
    expect(callback.get("state")).toBe("pushed-state");
    const response = await exchangeBackendCode(realm.oidc, callback.get("code") ?? "");
    expect(response.status).toBe(200);
  });

  it("uses only the pushed parameters, not ones added to the authorization request", async () => {
    const realm = await seedAssertionRealm();
    const requestUri = await pushedRequestUri(realm.oidc, { state: "pushed-state" });
    const params = { client_id: "backend", request_uri: requestUri, state: "added", prompt: "x" };

    const callback = callbackParams(
      await signIn(new Browser(), authorizeUrl(realm.oidc, params)),
      BACKEND_REDIRECT,
    );
    expect(callback.get("state")).toBe("pushed-state");
    expect(callback.get("code")).toBeTruthy();
  });

  it("refuses a request_uri used a second time with invalid_request_uri", async () => {
    const realm = await seedAssertionRealm();
    const params = { client_id: "backend", request_uri: await pushedRequestUri(realm.oidc) };

    await expectLoginPage(await authorize(realm.oidc, params));
    await expectErrorPage(await authorize(realm.oidc, params), "error.invalidRequestUri");
  });

  it("refuses an expired request_uri with invalid_request_uri", async () => {
    const realm = await seedAssertionRealm();
    const requestUri = await pushedRequestUri(realm.oidc);
    await db
      .update(pushedAuthorizationRequests)
      .set({ expiresAt: Math.floor(Date.now() / 1000) - 1 })
      .where(eq(pushedAuthorizationRequests.requestUriHash, await sha256(requestUri)));

    const response = await authorize(realm.oidc, { client_id: "backend", request_uri: requestUri });
    await expectErrorPage(response, "error.invalidRequestUri");
  });

  it("refuses another client's request_uri and leaves it to its own client", async () => {
    const realm = await seedAssertionRealm();
    const requestUri = await pushedRequestUri(realm.oidc);

    const stolen = await authorize(realm.oidc, { client_id: "spa", request_uri: requestUri });
    await expectErrorPage(stolen, "error.invalidRequestUri");
    const own = await authorize(realm.oidc, { client_id: "backend", request_uri: requestUri });
    await expectLoginPage(own);
  });

  it("refuses a sign-in step whose carried request was altered", async () => {
    const realm = await seedAssertionRealm();
    const params = { client_id: "backend", request_uri: await pushedRequestUri(realm.oidc) };
    const page = await authorize(realm.oidc, params);
    const action = /action="([^"]*)"/.exec(await page.text())?.[1]?.replace(/&amp;/g, "&") ?? "";
    const url = new URL(action, realm.oidc);
    // One character in the middle of the ciphertext, so the change cannot hide in padding bits.
    const [version, iv, ciphertext = ""] = (url.searchParams.get("sealed_request") ?? "").split(
      ".",
    );
    const flipped = ciphertext[10] === "A" ? "B" : "A";
    const altered = `${ciphertext.slice(0, 10)}${flipped}${ciphertext.slice(11)}`;
    url.searchParams.set("sealed_request", [version, iv, altered].join("."));

    await expectErrorPage(await new Browser().get(url.toString()), "error.invalidRequest");
  });

  it("refuses a carried request presented for another client", async () => {
    const realm = await seedAssertionRealm();
    const params = { client_id: "backend", request_uri: await pushedRequestUri(realm.oidc) };
    const page = await authorize(realm.oidc, params);
    const action = /action="([^"]*)"/.exec(await page.text())?.[1]?.replace(/&amp;/g, "&") ?? "";
    const url = new URL(action, realm.oidc);
    url.searchParams.set("client_id", "spa");

    await expectErrorPage(await new Browser().get(url.toString()), "error.invalidRequest");
  });

  it("refuses request_uri inside a pushed request with invalid_request", async () => {
    const realm = await seedAssertionRealm();
    const response = await pushBackend(realm.oidc, { request_uri: "urn:example:x" });
    await expectError(response, 400, "invalid_request");
  });

  it("refuses a pushed request for an unregistered redirect_uri", async () => {
    const realm = await seedAssertionRealm();
    const response = await pushBackend(realm.oidc, { redirect_uri: "https://evil.example/cb" });
    await expectError(response, 400, "invalid_request");
  });

  it("applies the authorization endpoint's checks, such as response_type", async () => {
    const realm = await seedAssertionRealm();
    const response = await pushBackend(realm.oidc, { response_type: "token" });
    await expectError(response, 400, "unsupported_response_type");
  });

  it("refuses a push without valid client authentication with invalid_client", async () => {
    const realm = await seedAssertionRealm();
    const response = await postForm(`${realm.oidc}/ext/par/request`, {
      ...backendRequest(),
      client_secret: "wrong",
    });
    await expectError(response, 401, "invalid_client");
  });

  it("accepts private_key_jwt addressed to the PAR endpoint", async () => {
    const realm = await seedAssertionRealm();
    const endpoint = `${realm.oidc}/ext/par/request`;
    const assertion = await signAssertion(assertionClaims("signer", endpoint));

    const response = await postForm(endpoint, {
      ...backendRequest({ client_id: "signer", redirect_uri: SIGNER_REDIRECT }),
      ...assertionFields(assertion),
    });
    expect(response.status).toBe(201);
  });
});

describe("clients that require pushed authorization requests (RFC 9126 §5)", () => {
  const requirePar = { "require.pushed.authorization.requests": "true" };
  const signerRequest = backendRequest({ client_id: "signer", redirect_uri: SIGNER_REDIRECT });

  it("refuses their authorization request sent directly with invalid_request", async () => {
    const realm = await seedAssertionRealm(requirePar);

    const callback = callbackParams(await authorize(realm.oidc, signerRequest), SIGNER_REDIRECT);
    expect(callback.get("error")).toBe("invalid_request");
    expect(callback.get("state")).toBe("backend-state");
  });

  it("signs the person in when the request was pushed", async () => {
    const realm = await seedAssertionRealm(requirePar);
    const endpoint = `${realm.oidc}/ext/par/request`;
    const assertion = await signAssertion(assertionClaims("signer", endpoint));
    const pushed = await postForm(endpoint, { ...signerRequest, ...assertionFields(assertion) });
    const { request_uri } = (await pushed.json()) as { request_uri: string };

    const url = authorizeUrl(realm.oidc, { client_id: "signer", request_uri });
    const callback = redirectParams(await signIn(new Browser(), url));
    expect(callback.get("code")).toBeTruthy();
    expect(callback.get("state")).toBe("backend-state");
  });
});
