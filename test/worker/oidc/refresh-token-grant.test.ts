import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { readForm } from "../support/browser";
import { backendAuthorization, backendCode, exchangeBackendCode } from "../support/clients";
import { signInAndExchange, spaRefresh, tokenRequest } from "../support/oidc";
import { seedRealm } from "../support/realm";
import { signAsRealm } from "../support/store";

type Tokens = Record<string, string>;

async function refreshed(oidc: string, refreshToken: string, extra: Record<string, string> = {}) {
  const response = await spaRefresh(oidc, refreshToken, extra);
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

async function expectError(response: Response, error: string) {
  expect(response.status).toBe(400);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

describe("refresh token rotation (RFC 6749 §6, RFC 9700 §4.14.2)", () => {
  it("answers a refresh with new tokens and a new refresh token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const next = await refreshed(realm.oidc, tokens.refresh_token ?? "");
    expect(next.refresh_token).toEqual(expect.any(String));
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next).toMatchObject({
      token_type: "Bearer",
      scope: "openid profile email",
      session_state: tokens.session_state,
    });
  });

  it("keeps the subject, session and original auth_time in refreshed tokens", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const first = decodeJwt(tokens.id_token ?? "");

    const next = await refreshed(realm.oidc, tokens.refresh_token ?? "");
    const id = decodeJwt(next.id_token ?? "");
    expect(id).toMatchObject({ sub: first.sub, sid: first.sid, auth_time: first.auth_time });
    expect(decodeJwt(next.access_token ?? "")).toMatchObject({ sub: first.sub, sid: first.sid });
  });

  it("refuses the previous refresh token with invalid_grant once it has been used", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    await refreshed(realm.oidc, tokens.refresh_token ?? "");

    await expectError(await spaRefresh(realm.oidc, tokens.refresh_token ?? ""), "invalid_grant");
  });

  it("revokes the whole family when a rotated refresh token is used again", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const second = await refreshed(realm.oidc, tokens.refresh_token ?? "");
    const third = await refreshed(realm.oidc, second.refresh_token ?? "");

    await expectError(await spaRefresh(realm.oidc, tokens.refresh_token ?? ""), "invalid_grant");
    await expectError(await spaRefresh(realm.oidc, third.refresh_token ?? ""), "invalid_grant");
  });

  it("leaves the families of other sign-ins alone when one family is revoked", async () => {
    const realm = await seedRealm();
    const one = await signInAndExchange(realm.oidc);
    const two = await signInAndExchange(realm.oidc);
    await refreshed(realm.oidc, one.tokens.refresh_token ?? "");

    await expectError(
      await spaRefresh(realm.oidc, one.tokens.refresh_token ?? ""),
      "invalid_grant",
    );
    expect((await spaRefresh(realm.oidc, two.tokens.refresh_token ?? "")).status).toBe(200);
  });

  it("lets only one of two concurrent refreshes with the same token succeed", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const responses = await Promise.all([
      spaRefresh(realm.oidc, tokens.refresh_token ?? ""),
      spaRefresh(realm.oidc, tokens.refresh_token ?? ""),
    ]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 400]);
  });

  it("revokes the refresh token given to the winner of a concurrent reuse", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const responses = await Promise.all([
      spaRefresh(realm.oidc, tokens.refresh_token ?? ""),
      spaRefresh(realm.oidc, tokens.refresh_token ?? ""),
    ]);
    const [winner] = responses.filter((response) => response.status === 200);
    const next = (await winner?.json()) as Tokens | undefined;
    expect(next?.refresh_token).toEqual(expect.any(String));

    await expectError(await spaRefresh(realm.oidc, next?.refresh_token ?? ""), "invalid_grant");
  });
});

describe("refresh token binding (RFC 6749 §6, §10.4)", () => {
  it("refuses a refresh token issued to another client with invalid_grant", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token ?? "" },
      { authorization: backendAuthorization() },
    );
    await expectError(response, "invalid_grant");
  });

  it("keeps a refresh token usable by its client after another client presented it", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    await tokenRequest(
      realm.oidc,
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token ?? "" },
      { authorization: backendAuthorization() },
    );

    expect((await spaRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });

  it("refuses a confidential client's token to the public client with invalid_grant", async () => {
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);
    const tokens = (await (await exchangeBackendCode(realm.oidc, code)).json()) as Tokens;

    await expectError(await spaRefresh(realm.oidc, tokens.refresh_token ?? ""), "invalid_grant");
  });

  it("refreshes a confidential client's token with its credentials", async () => {
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);
    const tokens = (await (await exchangeBackendCode(realm.oidc, code)).json()) as Tokens;

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token ?? "" },
      { authorization: backendAuthorization() },
    );
    expect(response.status).toBe(200);
  });

  it("refuses a refresh token from another realm with invalid_grant", async () => {
    const realm = await seedRealm();
    const other = await seedRealm();
    const { tokens } = await signInAndExchange(other.oidc);

    await expectError(await spaRefresh(realm.oidc, tokens.refresh_token ?? ""), "invalid_grant");
  });
});

describe("scope on refresh (RFC 6749 §6)", () => {
  it("narrows the scope when asked for part of it", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const next = await refreshed(realm.oidc, tokens.refresh_token ?? "", { scope: "openid" });
    expect(next.scope).toBe("openid");
    const access = decodeJwt(next.access_token ?? "");
    expect(access.scope).toBe("openid");
    expect(access).not.toHaveProperty("email");
    expect(decodeJwt(next.refresh_token ?? "").scope).toBe("openid");
  });

  it("keeps the narrowed scope for the refresh tokens that follow", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const narrowed = await refreshed(realm.oidc, tokens.refresh_token ?? "", { scope: "openid" });

    const next = await refreshed(realm.oidc, narrowed.refresh_token ?? "");
    expect(next.scope).toBe("openid");
    await expectError(
      await spaRefresh(realm.oidc, next.refresh_token ?? "", { scope: "openid email" }),
      "invalid_scope",
    );
  });

  it("refuses a scope wider than granted with invalid_scope", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    await expectError(
      await spaRefresh(realm.oidc, tokens.refresh_token ?? "", { scope: "openid roles" }),
      "invalid_scope",
    );
  });

  it("refuses a scope the realm does not know with invalid_scope", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    await expectError(
      await spaRefresh(realm.oidc, tokens.refresh_token ?? "", { scope: "openid offline_access" }),
      "invalid_scope",
    );
  });

  it("keeps the refresh token usable after a refused scope", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    await spaRefresh(realm.oidc, tokens.refresh_token ?? "", { scope: "openid roles" });

    const next = await refreshed(realm.oidc, tokens.refresh_token ?? "");
    expect(next.scope).toBe("openid profile email");
  });
});

describe("refresh tokens that are not valid (RFC 6749 §5.2)", () => {
  it("refuses a request without refresh_token with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, {
      grant_type: "refresh_token",
      client_id: "spa",
    });
    await expectError(response, "invalid_request");
  });

  it("refuses a value that is not a token with invalid_grant", async () => {
    const realm = await seedRealm();

    await expectError(await spaRefresh(realm.oidc, "garbage"), "invalid_grant");
  });

  it("refuses a refresh token whose signature was tampered with", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const token = tokens.refresh_token ?? "";
    const last = token.at(-2) === "A" ? "B" : "A";
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;

    await expectError(await spaRefresh(realm.oidc, tampered), "invalid_grant");
    // The tampered copy did not count as a use of the real token.
    expect((await spaRefresh(realm.oidc, token)).status).toBe(200);
  });

  it("refuses an access token presented as a refresh token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    await expectError(await spaRefresh(realm.oidc, tokens.access_token ?? ""), "invalid_grant");
  });

  it("refuses an ID token presented as a refresh token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    await expectError(await spaRefresh(realm.oidc, tokens.id_token ?? ""), "invalid_grant");
  });

  it("refuses a well-signed refresh token that was never issued", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const claims = decodeJwt(tokens.refresh_token ?? "");
    const forged = await signAsRealm(
      realm.name,
      { ...claims, jti: "never-issued" },
      { typ: "JWT" },
    );

    await expectError(await spaRefresh(realm.oidc, forged), "invalid_grant");
  });

  it("refuses an expired refresh token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const claims = decodeJwt(tokens.refresh_token ?? "");
    const now = Math.floor(Date.now() / 1000);
    const expired = await signAsRealm(
      realm.name,
      { ...claims, iat: now - 3600, exp: now - 1800 },
      { typ: "JWT" },
    );

    await expectError(await spaRefresh(realm.oidc, expired), "invalid_grant");
  });
});

describe("refresh tokens after the session ends (OpenID Connect RP-Initiated Logout §2)", () => {
  it("refuses the refresh token once the person has signed out", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    const page = await browser.get(`${realm.oidc}/logout`);
    const { action, hidden } = readForm(await page.text(), realm.oidc);
    expect((await browser.post(action, hidden)).status).toBe(200);

    await expectError(await spaRefresh(realm.oidc, tokens.refresh_token ?? ""), "invalid_grant");
  });

  it("refuses a rotated refresh token once its session was ended by an ID token hint", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const next = await refreshed(realm.oidc, tokens.refresh_token ?? "");

    const logout = await SELF.fetch(`${realm.oidc}/logout?id_token_hint=${next.id_token}`, {
      redirect: "manual",
    });
    expect(logout.status).toBe(200);

    await expectError(await spaRefresh(realm.oidc, next.refresh_token ?? ""), "invalid_grant");
  });
});
