import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { appRefresh, appTokens, RS_SECRET, seedAppRealm } from "../support/app-client";
import { type Browser, readForm } from "../support/browser";
import { basicAuthorization } from "../support/clients";
import { postForm } from "../support/oidc";

type Tokens = Record<string, string>;

/** Signs out on the account page, which ends the browser's SSO session. */
async function signOut(browser: Browser, accountUrl: string) {
  const { action, hidden } = readForm(await (await browser.get(accountUrl)).text(), accountUrl);
  expect((await browser.post(action, hidden)).status).toBe(303);
}

async function refreshed(oidc: string, refreshToken: string): Promise<Tokens> {
  const response = await appRefresh(oidc, refreshToken);
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

async function expectInvalidGrant(response: Response) {
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: string }).error).toBe("invalid_grant");
}

describe("offline_access (OpenID Connect Core §11, Keycloak's offline tokens)", () => {
  it("answers a refresh token typed Offline with the offline idle lifetime", async () => {
    const realm = await seedAppRealm();
    const { tokens } = await appTokens(realm.oidc, { scope: "openid offline_access" });

    expect(tokens.scope).toBe("openid offline_access profile email");
    const refresh = decodeJwt(tokens.refresh_token ?? "");
    expect(refresh.typ).toBe("Offline");
    expect(tokens.refresh_expires_in).toBe(30 * 24 * 3600);
    expect(refresh.exp).toBe((refresh.iat ?? 0) + 30 * 24 * 3600);
  });

  it("takes the realm's offlineSessionIdleTimeout", async () => {
    const realm = await seedAppRealm({}, { offlineSessionIdleTimeout: 86400 });
    const { tokens } = await appTokens(realm.oidc, { scope: "openid offline_access" });

    expect(tokens.refresh_expires_in).toBe(86400);
  });

  it("keeps an offline token usable after the person signs out", async () => {
    const realm = await seedAppRealm();
    const { browser, tokens } = await appTokens(realm.oidc, { scope: "openid offline_access" });
    await signOut(browser, realm.account);

    const next = await refreshed(realm.oidc, tokens.refresh_token ?? "");
    expect(decodeJwt(next.refresh_token ?? "").typ).toBe("Offline");
    const userinfo = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${next.access_token}` },
    });
    expect(userinfo.status).toBe(200);
  });

  it("keeps an offline token active at introspection after sign-out (RFC 7662)", async () => {
    const realm = await seedAppRealm();
    const { browser, tokens } = await appTokens(realm.oidc, { scope: "openid offline_access" });
    await signOut(browser, realm.account);

    const introspect = (token: string) =>
      postForm(
        `${realm.oidc}/token/introspect`,
        { token },
        { authorization: basicAuthorization("rs", RS_SECRET) },
      ).then((response) => response.json() as Promise<Record<string, unknown>>);
    expect(await introspect(tokens.refresh_token ?? "")).toMatchObject({
      active: true,
      typ: "Offline",
    });
    expect((await introspect(tokens.access_token ?? "")).active).toBe(true);
  });

  it("makes an online access token inactive at introspection after sign-out", async () => {
    const realm = await seedAppRealm();
    const { browser, tokens } = await appTokens(realm.oidc);
    await signOut(browser, realm.account);

    const response = await postForm(
      `${realm.oidc}/token/introspect`,
      { token: tokens.access_token ?? "" },
      { authorization: basicAuthorization("rs", RS_SECRET) },
    );
    expect(await response.json()).toEqual({ active: false });
  });

  it("ends an online refresh token when the person signs out", async () => {
    const realm = await seedAppRealm();
    const { browser, tokens } = await appTokens(realm.oidc);
    expect(decodeJwt(tokens.refresh_token ?? "").typ).toBe("Refresh");
    await signOut(browser, realm.account);

    await expectInvalidGrant(await appRefresh(realm.oidc, tokens.refresh_token ?? ""));
  });

  it("still rotates offline tokens: a reused one revokes the family", async () => {
    const realm = await seedAppRealm();
    const { tokens } = await appTokens(realm.oidc, { scope: "openid offline_access" });
    const next = await refreshed(realm.oidc, tokens.refresh_token ?? "");

    await expectInvalidGrant(await appRefresh(realm.oidc, tokens.refresh_token ?? ""));
    await expectInvalidGrant(await appRefresh(realm.oidc, next.refresh_token ?? ""));
  });

  it("ends an offline token revoked at the revocation endpoint (RFC 7009)", async () => {
    const realm = await seedAppRealm();
    const { tokens } = await appTokens(realm.oidc, { scope: "openid offline_access" });

    const revoked = await postForm(`${realm.oidc}/revoke`, {
      client_id: "app",
      token: tokens.refresh_token ?? "",
    });
    expect(revoked.status).toBe(200);
    await expectInvalidGrant(await appRefresh(realm.oidc, tokens.refresh_token ?? ""));
  });

  it("gives no offline token to a client without the offline_access scope", async () => {
    const realm = await seedAppRealm({ optionalClientScopes: [] });
    const { tokens } = await appTokens(realm.oidc, { scope: "openid offline_access" });

    expect(tokens.scope).toBe("openid profile email");
    expect(decodeJwt(tokens.refresh_token ?? "").typ).toBe("Refresh");
  });

  it("lists a first-party app's offline access on the account page, to be ended", async () => {
    const realm = await seedAppRealm();
    const { browser, tokens } = await appTokens(realm.oidc, { scope: "openid offline_access" });
    const html = await (await browser.get(realm.account)).text();
    expect(html).toContain("Access while you are signed out (offline access)");

    const grants = html.slice(html.indexOf('<section class="grants"'));
    const { action, hidden } = readForm(grants, realm.account);
    expect(hidden.client_id).toBe("app");
    expect((await browser.post(action, hidden)).status).toBe(303);

    await expectInvalidGrant(await appRefresh(realm.oidc, tokens.refresh_token ?? ""));
    const after = await (await browser.get(realm.account)).text();
    expect(after).toContain("No application has been given access.");
  });

  it("lists no offline access for an app that holds only online tokens", async () => {
    const realm = await seedAppRealm();
    const { browser } = await appTokens(realm.oidc);

    const html = await (await browser.get(realm.account)).text();
    expect(html).toContain("No application has been given access.");
  });
});
