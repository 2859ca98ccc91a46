import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { signInAndExchange, tokenRequest } from "../support/oidc";
import { defaultRealmRoles, SPA_REDIRECT, seedRealm } from "../support/realm";

describe("authorization code flow (RFC 6749 §4.1, OpenID Connect Core §3.1)", () => {
  it("signs a person in and issues ID, access and refresh tokens", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    expect(tokens.token_type).toBe("Bearer");
    const id = decodeJwt(tokens.id_token ?? "");
    expect(id).toMatchObject({
      iss: realm.issuer,
      aud: "spa",
      azp: "spa",
      nonce: "nonce-456",
      email: "ada@example.com",
      email_verified: true,
      preferred_username: "ada",
      name: "Ada Lovelace",
    });
    const access = decodeJwt(tokens.access_token ?? "");
    expect(access).toMatchObject({
      typ: "Bearer",
      azp: "spa",
      sid: id.sid,
      realm_access: { roles: defaultRealmRoles(realm.name) },
    });
    expect(decodeJwt(tokens.refresh_token ?? "").typ).toBe("Refresh");

    const userinfo = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({ sub: id.sub, email: "ada@example.com" });

    const refreshed = await tokenRequest(realm.oidc, {
      grant_type: "refresh_token",
      client_id: "spa",
      refresh_token: tokens.refresh_token ?? "",
    });
    expect(refreshed.status).toBe(200);
    void SPA_REDIRECT;
  });
});

describe("refresh token lifetime", () => {
  it("never outlives the session's maximum lifespan", async () => {
    const realm = await seedRealm({ ssoSessionIdleTimeout: 1800, ssoSessionMaxLifespan: 120 });
    const { tokens } = await signInAndExchange(realm.oidc);
    const refresh = decodeJwt(tokens.refresh_token ?? "");

    expect(Number(tokens.refresh_expires_in)).toBeLessThanOrEqual(120);
    expect(Number(refresh.exp) - Number(refresh.iat)).toBeLessThanOrEqual(120);
  });

  it("lasts the idle timeout when the session has longer to live", async () => {
    const realm = await seedRealm({ ssoSessionIdleTimeout: 600, ssoSessionMaxLifespan: 36000 });
    const { tokens } = await signInAndExchange(realm.oidc);
    expect(tokens.refresh_expires_in).toBe(600);
  });
});
