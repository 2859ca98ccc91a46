import { base64url, decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { authorize } from "../support/authorization";
import { Browser, readForm } from "../support/browser";
import { basicAuthorization, publishedKeySet } from "../support/clients";
import { authorizeUrl, pkcePair, signIn, tokenRequest } from "../support/oidc";
import { SPA_REDIRECT, seedRealm } from "../support/realm";

const WEB_REDIRECT = "https://web.example/cb";
const WEB_SECRET = "web secret";

/** A realm whose confidential `web` and public `spa` clients may use the implicit types. */
function seedHybridRealm() {
  return seedRealm({
    clients: [
      {
        clientId: "web",
        secret: WEB_SECRET,
        redirectUris: [WEB_REDIRECT],
        implicitFlowEnabled: true,
      },
      {
        clientId: "spa",
        publicClient: true,
        redirectUris: [SPA_REDIRECT],
        implicitFlowEnabled: true,
      },
      { clientId: "plain", secret: WEB_SECRET, redirectUris: [WEB_REDIRECT] },
    ],
  });
}

function webRequest(responseType: string, extra: Record<string, string> = {}) {
  return {
    client_id: "web",
    redirect_uri: WEB_REDIRECT,
    response_type: responseType,
    scope: "openid profile",
    state: "state-1",
    nonce: "nonce-1",
    ...extra,
  };
}

/** The parameters of a redirect's fragment, after checking it went to exactly `redirectUri`. */
function fragmentParams(response: Response, redirectUri: string): URLSearchParams {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location") ?? "");
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.search).toBe("");
  return new URLSearchParams(location.hash.slice(1));
}

async function leftHalfSha256(value: string) {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)),
  );
  return base64url.encode(digest.slice(0, 16));
}

async function signedIn(
  realm: Awaited<ReturnType<typeof seedRealm>>,
  params: Record<string, string>,
) {
  return signIn(new Browser(), authorizeUrl(realm.oidc, params));
}

describe("hybrid flow: response_type=code id_token (OpenID Connect Core §3.3)", () => {
  it("answers code and ID token in the fragment, the ID token with c_hash and nonce", async () => {
    const realm = await seedHybridRealm();

    const params = fragmentParams(await signedIn(realm, webRequest("code id_token")), WEB_REDIRECT);
    const code = params.get("code") ?? "";
    const { payload } = await jwtVerify(
      params.get("id_token") ?? "",
      await publishedKeySet(realm.oidc),
      {
        issuer: realm.issuer,
        audience: "web",
      },
    );
    expect(payload).toMatchObject({ nonce: "nonce-1", c_hash: await leftHalfSha256(code) });
    expect(payload.at_hash).toBeUndefined();
    expect(params.get("state")).toBe("state-1");
    expect(params.get("iss")).toBe(realm.issuer);

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "authorization_code", code, redirect_uri: WEB_REDIRECT },
      { authorization: basicAuthorization("web", WEB_SECRET) },
    );
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Record<string, string>;
    expect(decodeJwt(tokens.id_token ?? "").sub).toBe(payload.sub);
  });

  it("takes the values in either order", async () => {
    const realm = await seedHybridRealm();
    const params = fragmentParams(await signedIn(realm, webRequest("id_token code")), WEB_REDIRECT);
    expect(params.get("code")).toBeTruthy();
    expect(params.get("id_token")).toBeTruthy();
  });

  it("delivers code and ID token by form_post when asked", async () => {
    const realm = await seedHybridRealm();
    const response = await signedIn(
      realm,
      webRequest("code id_token", { response_mode: "form_post" }),
    );

    const { action, hidden } = readForm(await response.text(), realm.oidc);
    expect(action).toBe(WEB_REDIRECT);
    expect(Object.keys(hidden).sort()).toEqual([
      "code",
      "id_token",
      "iss",
      "session_state",
      "state",
    ]);
  });
});

describe("implicit flow: response_type=id_token (OpenID Connect Core §3.2)", () => {
  it("answers only an ID token, with the profile claims and no code, without PKCE", async () => {
    const realm = await seedHybridRealm();
    const request = {
      ...webRequest("id_token"),
      client_id: "spa",
      redirect_uri: SPA_REDIRECT,
    };

    const params = fragmentParams(await signedIn(realm, request), SPA_REDIRECT);
    expect(params.get("code")).toBeNull();
    const claims = decodeJwt(params.get("id_token") ?? "");
    expect(claims).toMatchObject({ aud: "spa", nonce: "nonce-1", name: "Ada Lovelace" });
    expect(claims.c_hash).toBeUndefined();
  });
});

describe("refusals of the implicit response types", () => {
  it("refuses them for a client without implicitFlowEnabled with unauthorized_client", async () => {
    const realm = await seedHybridRealm();
    const response = await authorize(realm.oidc, {
      ...webRequest("code id_token"),
      client_id: "plain",
    });
    expect(fragmentParams(response, WEB_REDIRECT).get("error")).toBe("unauthorized_client");
  });

  it("requires a nonce when an ID token is returned", async () => {
    const realm = await seedHybridRealm();
    const { nonce: _, ...request } = webRequest("code id_token");
    const response = await authorize(realm.oidc, request);
    expect(fragmentParams(response, WEB_REDIRECT).get("error")).toBe("invalid_request");
  });

  it("never puts an ID token in the query: response_mode=query is refused", async () => {
    const realm = await seedHybridRealm();
    const response = await authorize(
      realm.oidc,
      webRequest("id_token", { response_mode: "query" }),
    );
    const params = fragmentParams(response, WEB_REDIRECT);
    expect(params.get("error")).toBe("invalid_request");
    expect(params.get("id_token")).toBeNull();
  });

  it("refuses access tokens in the front channel with unsupported_response_type", async () => {
    const realm = await seedHybridRealm();
    const response = await authorize(realm.oidc, webRequest("code token"));
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.searchParams.get("error")).toBe("unsupported_response_type");
  });

  it("still asks public clients for PKCE when a code is returned", async () => {
    const realm = await seedHybridRealm();
    const request = {
      ...webRequest("code id_token"),
      client_id: "spa",
      redirect_uri: SPA_REDIRECT,
    };
    const response = await authorize(realm.oidc, request);
    expect(fragmentParams(response, SPA_REDIRECT).get("error")).toBe("invalid_request");

    const pkce = await pkcePair();
    const withPkce = { ...request, code_challenge: pkce.challenge, code_challenge_method: "S256" };
    const params = fragmentParams(await signedIn(realm, withPkce), SPA_REDIRECT);
    expect(params.get("code")).toBeTruthy();
  });
});
