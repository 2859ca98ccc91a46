import { env, SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../../src/crypto/digest";
import { database } from "../../../src/db/client";
import { authorizationCodes } from "../../../src/db/schema";
import { authorize, callbackParams, signedInBrowser } from "../support/authorization";
import { Browser } from "../support/browser";
import {
  authorizeUrl,
  signIn,
  signInAndExchange,
  spaRefresh,
  spaRequest,
  tokenRequest,
} from "../support/oidc";
import { expectLoginPage } from "../support/pages";
import { SPA_REDIRECT, seedRealm } from "../support/realm";

/** Exchanges a `spa` code and returns the token response. */
async function exchange(oidc: string, code: string, verifier: string) {
  const response = await tokenRequest(oidc, {
    grant_type: "authorization_code",
    client_id: "spa",
    code,
    redirect_uri: SPA_REDIRECT,
    code_verifier: verifier,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, string>;
}

/** The tokens of a `spa` request answered from the browser's SSO session, without a page. */
async function ssoTokens(oidc: string, browser: Browser, extra: Record<string, string> = {}) {
  const { params, verifier } = await spaRequest(extra);
  const callback = callbackParams(await authorize(oidc, params, browser), SPA_REDIRECT);
  return exchange(oidc, callback.get("code") ?? "", verifier);
}

const essentialAcr = (values: string[]) =>
  JSON.stringify({ id_token: { acr: { essential: true, values } } });

describe("acr as Keycloak sets it (OpenID Connect Core §2)", () => {
  it("puts acr 1 in the ID and access tokens after a sign-in with a password", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    expect(decodeJwt(tokens.id_token ?? "").acr).toBe("1");
    expect(decodeJwt(tokens.access_token ?? "").acr).toBe("1");
  });

  it("puts acr 0 in the tokens when the SSO session is reused without signing in", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInBrowser(realm.oidc);

    const tokens = await ssoTokens(realm.oidc, browser);
    expect(decodeJwt(tokens.id_token ?? "").acr).toBe("0");
    expect(decodeJwt(tokens.access_token ?? "").acr).toBe("0");
  });

  it("puts acr 1 in the tokens after signing in again for prompt=login", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInBrowser(realm.oidc);
    const { params, verifier } = await spaRequest({ prompt: "login" });

    const callback = callbackParams(
      await signIn(browser, authorizeUrl(realm.oidc, params)),
      SPA_REDIRECT,
    );
    const tokens = await exchange(realm.oidc, callback.get("code") ?? "", verifier);
    expect(decodeJwt(tokens.id_token ?? "").acr).toBe("1");
  });

  it("keeps the acr of the authentication when the tokens are refreshed", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInBrowser(realm.oidc);
    const tokens = await ssoTokens(realm.oidc, browser);

    const response = await spaRefresh(realm.oidc, tokens.refresh_token ?? "");
    const refreshed = (await response.json()) as Record<string, string>;
    expect(decodeJwt(refreshed.id_token ?? "").acr).toBe("0");
    expect(decodeJwt(refreshed.access_token ?? "").acr).toBe("0");
  });

  it("records acr_values with the authorization code", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ acr_values: "1 0" });

    const callback = callbackParams(
      await signIn(new Browser(), authorizeUrl(realm.oidc, params)),
      SPA_REDIRECT,
    );
    const codeHash = await sha256(callback.get("code") ?? "");
    const row = await database(env.DB).query.authorizationCodes.findFirst({
      where: eq(authorizationCodes.codeHash, codeHash),
    });
    expect(row?.acrValues).toBe("1 0");
    expect(row?.acr).toBe("1");
  });
});

describe("essential acr requests (OpenID Connect Core §5.5.1.1)", () => {
  it("asks the person to sign in again for an essential acr of 1 with an SSO session", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInBrowser(realm.oidc);
    const { params, verifier } = await spaRequest({ claims: essentialAcr(["1"]) });

    await expectLoginPage(await authorize(realm.oidc, params, browser));
    const callback = callbackParams(
      await signIn(browser, authorizeUrl(realm.oidc, params)),
      SPA_REDIRECT,
    );
    const tokens = await exchange(realm.oidc, callback.get("code") ?? "", verifier);
    expect(decodeJwt(tokens.id_token ?? "").acr).toBe("1");
  });

  it("answers login_required to prompt=none with an essential acr of 1", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInBrowser(realm.oidc);
    const { params } = await spaRequest({ prompt: "none", claims: essentialAcr(["1"]) });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("error")).toBe("login_required");
  });

  it("reuses the SSO session when the essential acr values include 0", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInBrowser(realm.oidc);

    const tokens = await ssoTokens(realm.oidc, browser, { claims: essentialAcr(["0", "1"]) });
    expect(decodeJwt(tokens.id_token ?? "").acr).toBe("0");
  });

  it("answers unmet_authentication_requirements for essential levels above 1", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ claims: essentialAcr(["2", "gold"]) });

    const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
    expect(callback.get("error")).toBe("unmet_authentication_requirements");
    expect(callback.get("state")).toBe("state-123");
    expect(callback.has("code")).toBe(false);
  });

  it("answers unmet_authentication_requirements for one essential value above 1", async () => {
    const realm = await seedRealm();
    const claims = JSON.stringify({ id_token: { acr: { essential: true, value: "2" } } });
    const { params } = await spaRequest({ claims });

    const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
    expect(callback.get("error")).toBe("unmet_authentication_requirements");
  });

  it("signs the person in for a voluntary acr request it cannot meet", async () => {
    const realm = await seedRealm();
    const claims = JSON.stringify({ id_token: { acr: { values: ["2"] } } });

    const { tokens } = await signInAndExchange(realm.oidc, { claims });
    expect(decodeJwt(tokens.id_token ?? "").acr).toBe("1");
  });
});

describe("discovery of the claims parameter and acr (OpenID Connect Discovery §3)", () => {
  it("announces the claims parameter and the acr values 0 and 1", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.issuer}/.well-known/openid-configuration`);
    const config = (await response.json()) as Record<string, unknown>;
    expect(config.claims_parameter_supported).toBe(true);
    expect(config.acr_values_supported).toEqual(["0", "1"]);
    expect(config.claims_supported).toContain("acr");
  });
});
