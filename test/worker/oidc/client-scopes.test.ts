import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { appTokens, seedAppRealm } from "../support/app-client";
import { defaultRealmRoles } from "../support/realm";

async function userinfo(oidc: string, accessToken: string) {
  const response = await SELF.fetch(`${oidc}/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return (await response.json()) as Record<string, unknown>;
}

describe("client scopes (Keycloak's defaultClientScopes and optionalClientScopes)", () => {
  it("grants Keycloak's default scopes when the client names none", async () => {
    const realm = await seedAppRealm();
    const { tokens } = await appTokens(realm.oidc);

    expect(tokens.scope).toBe("openid profile email");
    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.realm_access).toEqual({ roles: defaultRealmRoles(realm.name) });
    expect(access).toMatchObject({ name: "Ada Lovelace", email: "ada@example.com" });
  });

  it("grants an optional scope that was asked for, with its claims (OIDC Core §5.4)", async () => {
    const realm = await seedAppRealm();
    const { tokens } = await appTokens(realm.oidc, { scope: "openid address phone" });

    expect(tokens.scope).toBe("openid address phone profile email");
    const claims = await userinfo(realm.oidc, tokens.access_token ?? "");
    expect(claims.address).toEqual({
      street_address: "12 St James's Square",
      locality: "London",
      country: "GB",
    });
    expect(claims).toMatchObject({
      phone_number: "+44 20 7946 0000",
      phone_number_verified: true,
    });
  });

  it("leaves out the claims of optional scopes that were not asked for", async () => {
    const realm = await seedAppRealm();
    const { tokens } = await appTokens(realm.oidc);

    const claims = await userinfo(realm.oidc, tokens.access_token ?? "");
    expect(claims.address).toBeUndefined();
    expect(claims.phone_number).toBeUndefined();
  });

  it("drops a requested scope the client may not have, as Keycloak does", async () => {
    const realm = await seedAppRealm({ optionalClientScopes: ["address"] });
    const { tokens } = await appTokens(realm.oidc, { scope: "openid phone address" });

    expect(tokens.scope).toBe("openid address profile email");
    expect((await userinfo(realm.oidc, tokens.access_token ?? "")).phone_number).toBeUndefined();
  });

  it("grants only the client's own default scopes when it names them", async () => {
    const realm = await seedAppRealm({
      defaultClientScopes: ["phone", "microprofile-jwt"],
      optionalClientScopes: [],
    });
    const { tokens } = await appTokens(realm.oidc, { scope: "openid email" });

    expect(tokens.scope).toBe("openid phone");
    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.phone_number).toBe("+44 20 7946 0000");
    expect(access.email).toBeUndefined();
    expect(access.name).toBeUndefined();
    // Without the roles scope there are no realm roles in the token.
    expect(access.realm_access).toBeUndefined();
  });
});
