import { env } from "cloudflare:test";
import { generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { database } from "../../../src/db/client";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { realmFile } from "../realm-import/fixtures";
import { SIGNER_REDIRECT, seedAssertionRealm, signerKeys } from "../support/assertions";
import { authorize, callbackParams } from "../support/authorization";
import { Browser } from "../support/browser";
import { authorizeUrl, signIn } from "../support/oidc";
import { expectErrorPage } from "../support/pages";

const ORIGIN = "https://signer.example";

/** Signs a request object as `signer` with its registered key. */
function requestObject(claims: JWTPayload = {}) {
  return new SignJWT({
    client_id: "signer",
    redirect_uri: SIGNER_REDIRECT,
    response_type: "code",
    scope: "openid",
    state: "by-reference",
    nonce: "n-1",
    ...claims,
  })
    .setProtectedHeader({ alg: "ES256", kid: "signer-1", typ: "oauth-authz-req+jwt" })
    .sign(signerKeys.privateKey);
}

/**
 * Stands in for the client's own server, which tests cannot reach: answers fetches under
 * https://signer.example/ and records them. Latchkey's own code is not replaced.
 */
function clientServer(answer: (url: string) => Response | Promise<Response>) {
  const seen: { url: string; redirect: RequestInit["redirect"] }[] = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(`${ORIGIN}/`)) return real(input, init);
    seen.push({ url, redirect: init?.redirect });
    return Promise.resolve(answer(url));
  });
  return seen;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** A realm whose `signer` registered `uri` as a request_uri. */
function seedWithRequestUri(uri: string) {
  return seedAssertionRealm({ "request.uris": uri });
}

describe("request objects by reference (OpenID Connect Core §6.2)", () => {
  it("fetches a registered request_uri without following redirects and signs in", async () => {
    const uri = `${ORIGIN}/requests/${crypto.randomUUID()}`;
    const object = await requestObject();
    const seen = clientServer(() => new Response(object));
    const realm = await seedWithRequestUri(uri);

    const url = authorizeUrl(realm.oidc, { client_id: "signer", request_uri: `${uri}#v1` });
    const callback = callbackParams(await signIn(new Browser(), url), SIGNER_REDIRECT);

    expect(callback.get("code")).toBeTruthy();
    expect(callback.get("state")).toBe("by-reference");
    expect(seen[0]).toEqual({ url: uri, redirect: "manual" });
  });

  it("never fetches a request_uri the client did not register", async () => {
    const seen = clientServer(async () => new Response(await requestObject()));
    const realm = await seedWithRequestUri(`${ORIGIN}/requests/registered`);

    const params = { client_id: "signer", request_uri: `${ORIGIN}/requests/other` };
    await expectErrorPage(await authorize(realm.oidc, params), "error.unreachableRequestUri");
    expect(seen).toEqual([]);
  });

  it("refuses a request_uri that answers with a redirect or an error", async () => {
    const uri = `${ORIGIN}/requests/${crypto.randomUUID()}`;
    clientServer(() => new Response(null, { status: 302, headers: { location: "/x" } }));
    const realm = await seedWithRequestUri(uri);

    const params = { client_id: "signer", request_uri: uri };
    await expectErrorPage(await authorize(realm.oidc, params), "error.unreachableRequestUri");
  });

  it("refuses a request object larger than 64 KiB", async () => {
    const uri = `${ORIGIN}/requests/${crypto.randomUUID()}`;
    clientServer(() => new Response("x".repeat(65 * 1024)));
    const realm = await seedWithRequestUri(uri);

    const params = { client_id: "signer", request_uri: uri };
    await expectErrorPage(await authorize(realm.oidc, params), "error.unreachableRequestUri");
  });

  it("refuses a fetched object that its client did not sign", async () => {
    const uri = `${ORIGIN}/requests/${crypto.randomUUID()}`;
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ client_id: "signer", redirect_uri: SIGNER_REDIRECT })
      .setProtectedHeader({ alg: "ES256", kid: "signer-1" })
      .sign(privateKey);
    clientServer(() => new Response(forged));
    const realm = await seedWithRequestUri(uri);

    const params = { client_id: "signer", request_uri: uri };
    await expectErrorPage(await authorize(realm.oidc, params), "error.invalidRequestObject");
  });
});

describe("request.uris in a realm file", () => {
  it("refuses a request_uri that is not https or carries a fragment", async () => {
    const db = database(env.DB);
    const file = realmFile(`requris-${crypto.randomUUID().slice(0, 8)}`, {
      clients: [
        {
          clientId: "app",
          publicClient: true,
          attributes: { "request.uris": "http://app.example/r##https://app.example/r#v1" },
        },
      ],
    });

    const error = await importRealm(db, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toBe(
      '$.clients[0].attributes["request.uris"]: "http://app.example/r" is not an https URL\n' +
        '$.clients[0].attributes["request.uris"]: "https://app.example/r#v1" must be exact, ' +
        "without a fragment",
    );
  });
});
