import { SELF } from "cloudflare:test";
import { base64url, decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { readForm } from "../support/browser";
import { signInAndExchange, tokenRequest } from "../support/oidc";
import { seedRealm } from "../support/realm";
import { signAsRealm } from "../support/store";

function userinfo(oidc: string, accessToken: string) {
  return SELF.fetch(`${oidc}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
}

/** RFC 6750 §3.1: 401 with a Bearer challenge naming the error. */
async function expectInvalidToken(response: Response, realmName: string) {
  expect(response.status).toBe(401);
  const challenge = response.headers.get("www-authenticate") ?? "";
  expect(challenge).toMatch(new RegExp(`^Bearer realm="${realmName}"`));
  expect(challenge).toContain('error="invalid_token"');
  expect(((await response.json()) as { error: string }).error).toBe("invalid_token");
}

describe("UserInfo endpoint (OpenID Connect Core §5.3)", () => {
  it("answers the signed-in person's claims for a valid access token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await userinfo(realm.oidc, tokens.access_token ?? "");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      sub: decodeJwt(tokens.id_token ?? "").sub,
      preferred_username: "ada",
      name: "Ada Lovelace",
      given_name: "Ada",
      family_name: "Lovelace",
      email: "ada@example.com",
      email_verified: true,
    });
  });

  it("answers a POST with the token in the Authorization header", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await SELF.fetch(`${realm.oidc}/userinfo`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(response.status).toBe(200);
  });

  it("answers a POST with the token in the form body (RFC 6750 §2.2)", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await SELF.fetch(`${realm.oidc}/userinfo`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ access_token: tokens.access_token ?? "" }).toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ email: "ada@example.com" });
  });

  it("releases only the claims of the scope the token carries", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const narrowed = await tokenRequest(realm.oidc, {
      grant_type: "refresh_token",
      client_id: "spa",
      refresh_token: tokens.refresh_token ?? "",
      scope: "openid",
    });
    const { access_token } = (await narrowed.json()) as { access_token: string };

    const body = (await (await userinfo(realm.oidc, access_token)).json()) as object;
    expect(Object.keys(body).sort()).toEqual(["preferred_username", "sub"]);
  });

  it("answers 401 with a bare Bearer challenge when no token is sent (RFC 6750 §3.1)", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/userinfo`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(`Bearer realm="${realm.name}"`);
  });

  it("answers 401 with a bare Bearer challenge for another authentication scheme", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Basic ${btoa("spa:x")}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(`Bearer realm="${realm.name}"`);
  });

  it("refuses a value that is not a token with invalid_token", async () => {
    const realm = await seedRealm();

    await expectInvalidToken(await userinfo(realm.oidc, "garbage"), realm.name);
  });

  it("refuses an expired access token with invalid_token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const claims = decodeJwt(tokens.access_token ?? "");
    const now = Math.floor(Date.now() / 1000);
    const expired = await signAsRealm(
      realm.name,
      { ...claims, iat: now - 600, exp: now - 300 },
      { typ: "at+jwt" },
    );

    await expectInvalidToken(await userinfo(realm.oidc, expired), realm.name);
  });

  it("refuses an access token whose signature was tampered with", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const [header, , signature] = (tokens.access_token ?? "").split(".");
    const claims = decodeJwt(tokens.access_token ?? "");
    const payload = base64url.encode(JSON.stringify({ ...claims, sub: "someone-else" }));

    await expectInvalidToken(
      await userinfo(realm.oidc, `${header}.${payload}.${signature}`),
      realm.name,
    );
  });

  it("refuses an ID token presented as an access token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    await expectInvalidToken(await userinfo(realm.oidc, tokens.id_token ?? ""), realm.name);
  });

  it("refuses a refresh token presented as an access token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    await expectInvalidToken(await userinfo(realm.oidc, tokens.refresh_token ?? ""), realm.name);
  });

  it("refuses an access token issued by another realm", async () => {
    const realm = await seedRealm();
    const other = await seedRealm();
    const { tokens } = await signInAndExchange(other.oidc);

    await expectInvalidToken(await userinfo(realm.oidc, tokens.access_token ?? ""), realm.name);
  });

  it("refuses an access token once its session has ended", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    const page = await browser.get(`${realm.oidc}/logout`);
    const { action, hidden } = readForm(await page.text(), realm.oidc);
    expect((await browser.post(action, hidden)).status).toBe(200);

    await expectInvalidToken(await userinfo(realm.oidc, tokens.access_token ?? ""), realm.name);
  });
});
