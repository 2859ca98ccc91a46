import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  appRefresh,
  appRequest,
  appTokens,
  exchangeAppCode,
  seedAppRealm,
} from "../support/app-client";
import { authorize, callbackParams } from "../support/authorization";
import { Browser } from "../support/browser";
import { basicAuthorization } from "../support/clients";
import { authorizeUrl, redirectParams, signIn, tokenRequest } from "../support/oidc";
import { SPA_REDIRECT } from "../support/realm";

const API = "https://api.example/";
const LEDGER = "https://ledger.example/v1";
const WORKER_SECRET = "worker-secret-0123456789";

function resourceRealm() {
  return seedAppRealm({ attributes: { "resource.indicators": `${API}##${LEDGER}` } });
}

/** Signs ada in for `app` with this authorization URL's extra query, and returns the code. */
async function appCode(oidc: string, query: string) {
  const { params, verifier } = await appRequest();
  const url = `${authorizeUrl(oidc, params)}&${query}`;
  const code = redirectParams(await signIn(new Browser(), url)).get("code") ?? "";
  return { code, verifier };
}

function exchange(oidc: string, code: string, verifier: string, resource?: string) {
  return tokenRequest(oidc, {
    grant_type: "authorization_code",
    client_id: "app",
    code,
    redirect_uri: SPA_REDIRECT,
    code_verifier: verifier,
    ...(resource ? { resource } : {}),
  });
}

async function expectInvalidTarget(response: Response) {
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: string }).error).toBe("invalid_target");
}

describe("RFC 8707 resource at the authorization endpoint", () => {
  it("carries an allowed resource with the code into the access token's aud", async () => {
    const realm = await resourceRealm();
    const { tokens } = await appTokens(realm.oidc, { resource: API });

    expect(decodeJwt(tokens.access_token ?? "").aud).toBe(API);
    // The ID token stays the client's (OpenID Connect Core §2).
    expect(decodeJwt(tokens.id_token ?? "").aud).toBe("app");
  });

  it("takes several resources, making aud an array", async () => {
    const realm = await resourceRealm();
    const query = `resource=${encodeURIComponent(API)}&resource=${encodeURIComponent(LEDGER)}`;
    const { code, verifier } = await appCode(realm.oidc, query);
    const tokens = await exchangeAppCode(realm.oidc, code, verifier);

    expect(decodeJwt(tokens.access_token ?? "").aud).toEqual([API, LEDGER]);
  });

  it("answers invalid_target for a resource the client may not ask for", async () => {
    const realm = await resourceRealm();
    const { params } = await appRequest({ resource: "https://other.example/" });

    const response = await authorize(realm.oidc, params);
    expect(callbackParams(response, SPA_REDIRECT).get("error")).toBe("invalid_target");
  });

  it("answers invalid_target for a relative resource", async () => {
    const realm = await resourceRealm();
    const { params } = await appRequest({ resource: "/api" });

    const response = await authorize(realm.oidc, params);
    expect(callbackParams(response, SPA_REDIRECT).get("error")).toBe("invalid_target");
  });

  it("answers invalid_target for a resource with a fragment", async () => {
    const realm = await resourceRealm();
    const { params } = await appRequest({ resource: `${API}#part` });

    const response = await authorize(realm.oidc, params);
    expect(callbackParams(response, SPA_REDIRECT).get("error")).toBe("invalid_target");
  });
});

describe("RFC 8707 resource at the token endpoint", () => {
  it("keeps aud the client's own without any resource or audience mapper", async () => {
    const realm = await resourceRealm();
    const { tokens } = await appTokens(realm.oidc);

    expect(decodeJwt(tokens.access_token ?? "").aud).toBe("app");
  });

  it("narrows a code's resources to the one asked for at the token endpoint", async () => {
    const realm = await resourceRealm();
    const query = `resource=${encodeURIComponent(API)}&resource=${encodeURIComponent(LEDGER)}`;
    const { code, verifier } = await appCode(realm.oidc, query);
    const response = await exchange(realm.oidc, code, verifier, LEDGER);

    const tokens = (await response.json()) as Record<string, string>;
    expect(decodeJwt(tokens.access_token ?? "").aud).toBe(LEDGER);
  });

  it("refuses a resource the code was not issued for with invalid_target", async () => {
    const realm = await resourceRealm();
    const { code, verifier } = await appCode(realm.oidc, `resource=${encodeURIComponent(API)}`);

    await expectInvalidTarget(await exchange(realm.oidc, code, verifier, LEDGER));
  });

  it("accepts an allowed resource at the token endpoint when the code named none", async () => {
    const realm = await resourceRealm();
    const { code, verifier } = await appCode(realm.oidc, "");
    const response = await exchange(realm.oidc, code, verifier, API);

    const tokens = (await response.json()) as Record<string, string>;
    expect(decodeJwt(tokens.access_token ?? "").aud).toBe(API);
  });

  it("refuses a malformed resource at the token endpoint with invalid_target", async () => {
    const realm = await resourceRealm();
    const { code, verifier } = await appCode(realm.oidc, "");

    await expectInvalidTarget(await exchange(realm.oidc, code, verifier, "api"));
  });

  it("gives a refreshed access token the resource asked for", async () => {
    const realm = await resourceRealm();
    const { tokens } = await appTokens(realm.oidc);
    const response = await tokenRequest(realm.oidc, {
      grant_type: "refresh_token",
      client_id: "app",
      refresh_token: tokens.refresh_token ?? "",
      resource: LEDGER,
    });

    const refreshed = (await response.json()) as Record<string, string>;
    expect(decodeJwt(refreshed.access_token ?? "").aud).toBe(LEDGER);
  });

  it("refuses a refresh for a resource not allowed, leaving the refresh token usable", async () => {
    const realm = await resourceRealm();
    const { tokens } = await appTokens(realm.oidc);
    const refused = await tokenRequest(realm.oidc, {
      grant_type: "refresh_token",
      client_id: "app",
      refresh_token: tokens.refresh_token ?? "",
      resource: "https://other.example/",
    });

    await expectInvalidTarget(refused);
    expect((await appRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });
});

describe("RFC 8707 resource on refresh after a code issued for resources", () => {
  async function apiOnlyTokens() {
    const realm = await resourceRealm();
    const { code, verifier } = await appCode(realm.oidc, `resource=${encodeURIComponent(API)}`);
    return { realm, tokens: await exchangeAppCode(realm.oidc, code, verifier) };
  }

  function refreshFor(oidc: string, refreshToken: string, resource?: string) {
    return tokenRequest(oidc, {
      grant_type: "refresh_token",
      client_id: "app",
      refresh_token: refreshToken,
      ...(resource ? { resource } : {}),
    });
  }

  it("keeps the code's resources as the refreshed token's aud when none is asked for", async () => {
    const { realm, tokens } = await apiOnlyTokens();
    const response = await refreshFor(realm.oidc, tokens.refresh_token ?? "");

    const refreshed = (await response.json()) as Record<string, string>;
    expect(decodeJwt(refreshed.access_token ?? "").aud).toBe(API);
  });

  it("refuses an allowed resource outside the grant, leaving the token usable", async () => {
    const { realm, tokens } = await apiOnlyTokens();

    await expectInvalidTarget(await refreshFor(realm.oidc, tokens.refresh_token ?? "", LEDGER));
    const retried = await refreshFor(realm.oidc, tokens.refresh_token ?? "", API);
    expect(retried.status).toBe(200);
  });

  it("holds every later refresh in the family to the original resources", async () => {
    const { realm, tokens } = await apiOnlyTokens();
    const first = (await (await refreshFor(realm.oidc, tokens.refresh_token ?? "")).json()) as {
      refresh_token: string;
    };

    await expectInvalidTarget(await refreshFor(realm.oidc, first.refresh_token, LEDGER));
  });
});

describe("RFC 8707 resource with client_credentials", () => {
  function workerRealm() {
    return seedAppRealm(
      {},
      {
        clients: [
          {
            clientId: "worker",
            secret: WORKER_SECRET,
            serviceAccountsEnabled: true,
            attributes: { "resource.indicators": API },
          },
        ],
      },
    );
  }

  function serviceToken(oidc: string, resource: string) {
    return tokenRequest(
      oidc,
      { grant_type: "client_credentials", resource },
      { authorization: basicAuthorization("worker", WORKER_SECRET) },
    );
  }

  it("issues the service account's token for an allowed resource", async () => {
    const realm = await workerRealm();
    const response = await serviceToken(realm.oidc, API);

    const tokens = (await response.json()) as Record<string, string>;
    expect(decodeJwt(tokens.access_token ?? "").aud).toBe(API);
  });

  it("refuses a resource not allowed with invalid_target", async () => {
    const realm = await workerRealm();

    await expectInvalidTarget(await serviceToken(realm.oidc, LEDGER));
  });
});
