import { SELF } from "cloudflare:test";
import { base64url, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { exchangeSpaCode, publishedKeySet, spaCode } from "../support/clients";
import { authorizeUrl, redirectParams, spaRequest } from "../support/oidc";
import { defaultRealmRoles, seedRealm } from "../support/realm";

type Tokens = Record<string, string>;

/** Signs ada in for `spa`, exchanges the code and returns the token response. */
async function spaTokens(oidc: string, extra: Record<string, string> = {}) {
  const { code, verifier } = await spaCode(oidc, extra);
  const response = await exchangeSpaCode(oidc, { code, code_verifier: verifier });
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

describe("ID token (OpenID Connect Core §2, §3.1.3.6, §3.1.3.7)", () => {
  it("is signed with RS256 by a key published at the jwks_uri", async () => {
    const realm = await seedRealm();
    const tokens = await spaTokens(realm.oidc);

    const { protectedHeader } = await jwtVerify(
      tokens.id_token ?? "",
      await publishedKeySet(realm.oidc),
      { algorithms: ["RS256"], issuer: realm.issuer, audience: "spa" },
    );
    expect(protectedHeader).toMatchObject({ alg: "RS256", typ: "JWT", kid: expect.any(String) });
  });

  it("fails verification once its payload is altered", async () => {
    const realm = await seedRealm();
    const tokens = await spaTokens(realm.oidc);
    const [header, payload, signature] = (tokens.id_token ?? "").split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? "")));
    const forged = base64url.encode(JSON.stringify({ ...claims, sub: "someone-else" }));

    await expect(
      jwtVerify(`${header}.${forged}.${signature}`, await publishedKeySet(realm.oidc)),
    ).rejects.toThrow();
  });

  it("carries the claims OpenID Connect requires and the profile and email claims", async () => {
    const realm = await seedRealm();
    const before = Math.floor(Date.now() / 1000);
    const tokens = await spaTokens(realm.oidc);
    const after = Math.floor(Date.now() / 1000);
    const id = decodeJwt(tokens.id_token ?? "");

    expect(id).toMatchObject({
      iss: realm.issuer,
      sub: expect.any(String),
      aud: "spa",
      azp: "spa",
      nonce: "nonce-456",
      sid: tokens.session_state,
      email: "ada@example.com",
      email_verified: true,
      preferred_username: "ada",
      name: "Ada Lovelace",
    });
    expect(id.iat).toBeGreaterThanOrEqual(before);
    expect(id.iat).toBeLessThanOrEqual(after);
    expect(id.exp).toBe((id.iat ?? 0) + 300);
    expect(id.auth_time).toBeGreaterThanOrEqual(before);
    expect(id.auth_time).toBeLessThanOrEqual(id.iat ?? 0);
  });

  it("carries an at_hash that is the left half of the access token's SHA-256", async () => {
    const realm = await seedRealm();
    const tokens = await spaTokens(realm.oidc);

    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(tokens.access_token)),
    );
    const expected = base64url.encode(digest.slice(0, 16));
    expect(decodeJwt(tokens.id_token ?? "").at_hash).toBe(expected);
  });

  it("leaves out the nonce when the request had none", async () => {
    const realm = await seedRealm();
    const tokens = await spaTokens(realm.oidc, { nonce: "" });

    expect(decodeJwt(tokens.id_token ?? "")).not.toHaveProperty("nonce");
  });

  it("names the same subject as userinfo", async () => {
    const realm = await seedRealm();
    const tokens = await spaTokens(realm.oidc);

    const userinfo = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(((await userinfo.json()) as { sub: string }).sub).toBe(
      decodeJwt(tokens.id_token ?? "").sub,
    );
  });
});

describe("access token (RFC 9068 with Keycloak's claims)", () => {
  it("is a JWT typed at+jwt, verifiable with the published keys", async () => {
    const realm = await seedRealm();
    const tokens = await spaTokens(realm.oidc);

    const { protectedHeader } = await jwtVerify(
      tokens.access_token ?? "",
      await publishedKeySet(realm.oidc),
      { typ: "at+jwt", issuer: realm.issuer },
    );
    expect(protectedHeader.kid).toEqual(expect.any(String));
  });

  it("carries RFC 9068's claims and Keycloak's typ, azp, sid, scope and realm roles", async () => {
    const realm = await seedRealm();
    const tokens = await spaTokens(realm.oidc);
    const id = decodeJwt(tokens.id_token ?? "");
    const access = decodeJwt(tokens.access_token ?? "");

    expect(access).toMatchObject({
      iss: realm.issuer,
      sub: id.sub,
      client_id: "spa",
      typ: "Bearer",
      azp: "spa",
      sid: id.sid,
      scope: "openid profile email",
      realm_access: { roles: defaultRealmRoles(realm.name) },
      auth_time: id.auth_time,
      jti: expect.any(String),
    });
    expect(access.aud).toBeDefined();
    expect(access.exp).toBe((access.iat ?? 0) + 300);
    expect(access.jti).not.toBe(id.jti);
  });

  it("gets a new jti for every token", async () => {
    const realm = await seedRealm();
    const { browser, code, verifier } = await spaCode(realm.oidc);
    const first = (await (
      await exchangeSpaCode(realm.oidc, { code, code_verifier: verifier })
    ).json()) as Tokens;
    const { params, verifier: again } = await spaRequest();
    const second = redirectParams(await browser.get(authorizeUrl(realm.oidc, params)));
    const next = (await (
      await exchangeSpaCode(realm.oidc, { code: second.get("code") ?? "", code_verifier: again })
    ).json()) as Tokens;

    expect(decodeJwt(first.access_token ?? "").jti).not.toBe(
      decodeJwt(next.access_token ?? "").jti,
    );
  });
});

describe("refresh token shape (Keycloak)", () => {
  it("is a signed JWT of typ Refresh bound to the client and session", async () => {
    const realm = await seedRealm();
    const tokens = await spaTokens(realm.oidc);

    const { payload } = await jwtVerify(
      tokens.refresh_token ?? "",
      await publishedKeySet(realm.oidc),
      { issuer: realm.issuer },
    );
    expect(payload).toMatchObject({
      typ: "Refresh",
      azp: "spa",
      sid: tokens.session_state,
      scope: "openid profile email",
    });
    expect(decodeProtectedHeader(tokens.refresh_token ?? "").typ).toBe("JWT");
    expect(payload.exp).toBe((payload.iat ?? 0) + 1800);
  });
});
