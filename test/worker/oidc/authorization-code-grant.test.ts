import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { Browser, readForm } from "../support/browser";
import {
  backendAuthorization,
  backendCode,
  exchangeBackendCode,
  exchangeSpaCode,
  spaCode,
} from "../support/clients";
import {
  authorizeUrl,
  redirectParams,
  signIn,
  spaRefresh,
  spaRequest,
  tokenRequest,
} from "../support/oidc";
import { SPA_REDIRECT, seedRealm } from "../support/realm";
import { setCodeExpiry } from "../support/store";

async function expectInvalidGrant(response: Response) {
  expect(response.status).toBe(400);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(((await response.json()) as { error: string }).error).toBe("invalid_grant");
}

type Tokens = Record<string, string>;

describe("authorization code grant (RFC 6749 §4.1.3, RFC 7636 §4.5)", () => {
  it("exchanges a code and its code_verifier for access, refresh and ID tokens", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);

    const response = await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Tokens;
    expect(tokens).toMatchObject({
      token_type: "Bearer",
      expires_in: 300,
      refresh_expires_in: 1800,
      scope: "openid profile email",
      "not-before-policy": 0,
    });
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.id_token).toEqual(expect.any(String));
    expect(tokens.session_state).toBe(decodeJwt(tokens.id_token ?? "").sid);
  });

  it("exchanges a confidential client's code without PKCE", async () => {
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);

    const response = await exchangeBackendCode(realm.oidc, code);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Tokens;
    expect(decodeJwt(tokens.id_token ?? "")).toMatchObject({
      aud: "backend",
      azp: "backend",
      nonce: "backend-nonce",
    });
  });

  it("issues no ID token when the request did not ask for openid", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc, { scope: "profile" });

    const response = await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier });
    const tokens = (await response.json()) as Tokens;
    expect(response.status).toBe(200);
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.scope).toBe("profile email");
  });

  it("refuses a request without code with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await exchangeSpaCode(realm.oidc, { code_verifier: "v".repeat(43) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_request");
  });

  it("refuses a request without redirect_uri with invalid_request", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);

    const response = await tokenRequest(realm.oidc, {
      grant_type: "authorization_code",
      client_id: "spa",
      code,
      code_verifier: verifier,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_request");
  });

  it("refuses an unknown code with invalid_grant", async () => {
    const realm = await seedRealm();
    const { verifier } = await spaCode(realm.oidc);

    await expectInvalidGrant(
      await exchangeSpaCode(realm.oidc, { code: "never-issued", code_verifier: verifier }),
    );
  });

  it("refuses an expired code with invalid_grant", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);
    await setCodeExpiry(code, Math.floor(Date.now() / 1000) - 1);

    await expectInvalidGrant(await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }));
  });

  it("accepts a code until the end of its lifetime", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);
    await setCodeExpiry(code, Math.floor(Date.now() / 1000) + 5);

    expect((await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier })).status).toBe(200);
  });

  it("refuses a redirect_uri unlike the authorization request's with invalid_grant", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);

    await expectInvalidGrant(
      await exchangeSpaCode(realm.oidc, {
        code,
        code_verifier: verifier,
        redirect_uri: "https://spa.example/callback/",
      }),
    );
  });

  it("refuses a code issued to another client with invalid_grant", async () => {
    const realm = await seedRealm();
    const { code } = await spaCode(realm.oidc);

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "authorization_code", code, redirect_uri: SPA_REDIRECT },
      { authorization: backendAuthorization() },
    );
    await expectInvalidGrant(response);
  });

  it("refuses a code issued in another realm with invalid_grant", async () => {
    const realm = await seedRealm();
    const other = await seedRealm();
    const code = await backendCode(other.oidc);

    await expectInvalidGrant(await exchangeBackendCode(realm.oidc, code));
  });

  it("refuses a code once the session it was issued in has ended", async () => {
    const realm = await seedRealm();
    const { browser, code, verifier } = await spaCode(realm.oidc);
    const logout = await browser.get(`${realm.oidc}/logout`);
    const { action, hidden } = readForm(await logout.text(), realm.oidc);
    expect((await browser.post(action, hidden)).status).toBe(200);

    await expectInvalidGrant(await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }));
  });
});

describe("PKCE at the token endpoint (RFC 7636 §4.6)", () => {
  it("refuses a code_verifier that does not match the challenge with invalid_grant", async () => {
    const realm = await seedRealm();
    const { code } = await spaCode(realm.oidc);
    const other = await spaRequest();

    await expectInvalidGrant(
      await exchangeSpaCode(realm.oidc, { code, code_verifier: other.verifier }),
    );
  });

  it("refuses a missing code_verifier with invalid_grant", async () => {
    const realm = await seedRealm();
    const { code } = await spaCode(realm.oidc);

    await expectInvalidGrant(await exchangeSpaCode(realm.oidc, { code }));
  });

  it("refuses a code_verifier shorter than 43 characters with invalid_grant", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);

    await expectInvalidGrant(
      await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier.slice(0, 42) }),
    );
  });

  it("refuses the challenge itself sent as the verifier with invalid_grant", async () => {
    const realm = await seedRealm();
    const browser = new Browser();
    const { params } = await spaRequest();
    const callback = redirectParams(await signIn(browser, authorizeUrl(realm.oidc, params)));

    await expectInvalidGrant(
      await exchangeSpaCode(realm.oidc, {
        code: callback.get("code") ?? "",
        code_verifier: params.code_challenge,
      }),
    );
  });

  it("refuses a code_verifier for a code that had no challenge with invalid_grant", async () => {
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);

    const response = await exchangeBackendCode(realm.oidc, code, {
      code_verifier: "a-verifier-that-was-never-announced-0123456789",
    });
    await expectInvalidGrant(response);
  });

  it("does not let a refused exchange be retried with the right verifier", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);
    const other = await spaRequest();

    await expectInvalidGrant(
      await exchangeSpaCode(realm.oidc, { code, code_verifier: other.verifier }),
    );
    await expectInvalidGrant(await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }));
  });

  it("keeps the session when a refused code is retried: nothing was issued from it", async () => {
    const realm = await seedRealm();
    const { browser, code, verifier } = await spaCode(realm.oidc);

    const wrongUri = await exchangeSpaCode(realm.oidc, {
      code,
      code_verifier: verifier,
      redirect_uri: "https://spa.example/other",
    });
    await expectInvalidGrant(wrongUri);
    await expectInvalidGrant(await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }));

    // A replay would have ended the session; this retry must not.
    const { params } = await spaRequest({ prompt: "none" });
    const again = redirectParams(await browser.get(authorizeUrl(realm.oidc, params)));
    expect(again.get("code")).toBeTruthy();
  });
});

describe("single-use authorization codes (RFC 6749 §4.1.2, §10.5)", () => {
  it("refuses a replayed code with invalid_grant and revokes its refresh token", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);
    const first = (await (
      await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier })
    ).json()) as Tokens;

    await expectInvalidGrant(await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }));
    await expectInvalidGrant(await spaRefresh(realm.oidc, first.refresh_token ?? ""));
  });

  it("revokes the refresh tokens rotated from the first one, too", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);
    const first = (await (
      await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier })
    ).json()) as Tokens;
    const rotated = (await (
      await spaRefresh(realm.oidc, first.refresh_token ?? "")
    ).json()) as Tokens;

    await expectInvalidGrant(await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }));
    await expectInvalidGrant(await spaRefresh(realm.oidc, rotated.refresh_token ?? ""));
  });

  it("ends the code's session: its access token and the session's other tokens stop", async () => {
    const realm = await seedRealm();
    const { browser, code, verifier } = await spaCode(realm.oidc);
    const first = (await (
      await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier })
    ).json()) as Tokens;

    const { params, verifier: secondVerifier } = await spaRequest();
    const second = redirectParams(await browser.get(authorizeUrl(realm.oidc, params)));
    const other = (await (
      await exchangeSpaCode(realm.oidc, {
        code: second.get("code") ?? "",
        code_verifier: secondVerifier,
      })
    ).json()) as Tokens;

    await expectInvalidGrant(await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }));
    await expectInvalidGrant(await spaRefresh(realm.oidc, other.refresh_token ?? ""));
    const userinfo = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${first.access_token}` },
    });
    expect(userinfo.status).toBe(401);

    const silent = await browser.get(authorizeUrl(realm.oidc, { ...params, prompt: "none" }));
    expect(redirectParams(silent).get("error")).toBe("login_required");
  });

  it("lets exactly one of two concurrent exchanges of the same code succeed", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);

    const responses = await Promise.all([
      exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }),
      exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }),
    ]);
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 400]);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { error?: string }[];
    expect(bodies.map((body) => body.error).filter(Boolean)).toEqual(["invalid_grant"]);
  });

  it("revokes the refresh token of the exchange that won a concurrent replay", async () => {
    const realm = await seedRealm();
    const { code, verifier } = await spaCode(realm.oidc);

    const responses = await Promise.all([
      exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }),
      exchangeSpaCode(realm.oidc, { code, code_verifier: verifier }),
    ]);
    const [winner] = responses.filter((response) => response.status === 200);
    const tokens = (await winner?.json()) as Tokens | undefined;
    expect(tokens?.refresh_token).toEqual(expect.any(String));

    await expectInvalidGrant(await spaRefresh(realm.oidc, tokens?.refresh_token ?? ""));
  });
});
