import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  appRequest,
  appTokens,
  exchangeAppCode,
  GRACE_EMAIL,
  seedAppRealm,
} from "../support/app-client";
import { authorize, callbackParams } from "../support/authorization";
import { Browser, readForm } from "../support/browser";
import { authorizeUrl, signIn } from "../support/oidc";
import { SPA_REDIRECT, USER_PASSWORD } from "../support/realm";

const claimFlags = {
  "access.token.claim": "true",
  "id.token.claim": "true",
  "userinfo.token.claim": "true",
};

/** Keycloak-shaped realm client scopes: one per mapper type, and one for consent. */
const clientScopes = [
  {
    name: "tenant",
    protocol: "openid-connect",
    attributes: { "include.in.token.scope": "true", "consent.screen.text": "Your tenant" },
    protocolMappers: [
      {
        name: "tenant id",
        protocol: "openid-connect",
        protocolMapper: "oidc-usermodel-attribute-mapper",
        config: {
          ...claimFlags,
          "user.attribute": "country",
          "claim.name": "org.tenant",
          "jsonType.label": "String",
        },
      },
      {
        name: "plan",
        protocolMapper: "oidc-hardcoded-claim-mapper",
        config: {
          ...claimFlags,
          "claim.name": "org.plan.seats",
          "claim.value": "25",
          "jsonType.label": "long",
        },
      },
    ],
  },
  {
    name: "flags",
    attributes: { "include.in.token.scope": "false" },
    protocolMappers: [
      {
        name: "beta only in the ID token",
        protocolMapper: "oidc-hardcoded-claim-mapper",
        config: {
          "id.token.claim": "true",
          "claim.name": "beta",
          "claim.value": "true",
          "jsonType.label": "boolean",
        },
      },
      {
        name: "settings only at UserInfo",
        protocolMapper: "oidc-hardcoded-claim-mapper",
        config: {
          "userinfo.token.claim": "true",
          "claim.name": "settings",
          "claim.value": '{"theme":"dark"}',
          "jsonType.label": "JSON",
        },
      },
      {
        name: "all phone numbers",
        protocolMapper: "oidc-usermodel-attribute-mapper",
        config: {
          "access.token.claim": "true",
          "user.attribute": "phoneNumber",
          "claim.name": "phones",
          multivalued: "true",
        },
      },
    ],
  },
];

function scopedRealm(client: Record<string, unknown> = {}) {
  return seedAppRealm(
    { defaultClientScopes: ["profile", "flags"], optionalClientScopes: ["tenant"], ...client },
    { clientScopes },
  );
}

async function userinfo(oidc: string, accessToken: string) {
  const response = await SELF.fetch(`${oidc}/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return (await response.json()) as Record<string, unknown>;
}

describe("realm client scopes (Keycloak's clientScopes)", () => {
  it("grants a realm scope asked for by name when it is the client's optional scope", async () => {
    const realm = await scopedRealm();
    const { tokens } = await appTokens(realm.oidc, { scope: "openid tenant" });

    expect(tokens.scope).toBe("openid tenant profile");
    expect(decodeJwt(tokens.access_token ?? "").org).toEqual({
      tenant: "GB",
      plan: { seats: 25 },
    });
  });

  it("leaves an optional realm scope's claims out when it was not asked for", async () => {
    const realm = await scopedRealm();
    const { tokens } = await appTokens(realm.oidc);

    expect(tokens.scope).toBe("openid profile");
    expect(decodeJwt(tokens.access_token ?? "").org).toBeUndefined();
  });

  it("applies a default scope unasked, unlisted with include.in.token.scope false", async () => {
    const realm = await scopedRealm();
    const { tokens } = await appTokens(realm.oidc);

    expect(tokens.scope).not.toContain("flags");
    expect(decodeJwt(tokens.access_token ?? "").phones).toEqual(["+44 20 7946 0000"]);
  });

  it("still refuses a scope neither built in nor the realm's with invalid_scope", async () => {
    const realm = await scopedRealm();
    const { params } = await appRequest({ scope: "openid payroll" });
    const response = await authorize(realm.oidc, params);

    expect(callbackParams(response, SPA_REDIRECT).get("error")).toBe("invalid_scope");
  });

  it("lists the realm's scopes in discovery's scopes_supported, as Keycloak", async () => {
    const realm = await scopedRealm();
    const other = await seedAppRealm();
    const path = "/.well-known/openid-configuration";
    const metadata = async (issuer: string) =>
      (await (await SELF.fetch(`${issuer}${path}`)).json()) as { scopes_supported: string[] };

    expect((await metadata(realm.issuer)).scopes_supported).toEqual(
      expect.arrayContaining(["openid", "flags", "tenant"]),
    );
    expect((await metadata(other.issuer)).scopes_supported).not.toContain("tenant");
  });

  it("refuses another realm's scope with invalid_scope", async () => {
    await scopedRealm();
    const other = await seedAppRealm();
    const { params } = await appRequest({ scope: "openid tenant" });
    const response = await authorize(other.oidc, params);

    expect(callbackParams(response, SPA_REDIRECT).get("error")).toBe("invalid_scope");
  });
});

describe("protocol mappers (Keycloak's oidc-*-mapper types and their token flags)", () => {
  it("puts a claim only into the tokens its flags name", async () => {
    const realm = await scopedRealm();
    const { tokens } = await appTokens(realm.oidc);
    const access = decodeJwt(tokens.access_token ?? "");
    const id = decodeJwt(tokens.id_token ?? "");
    const info = await userinfo(realm.oidc, tokens.access_token ?? "");

    expect(id.beta).toBe(true);
    expect(access.beta).toBeUndefined();
    expect(info.settings).toEqual({ theme: "dark" });
    expect(access.settings).toBeUndefined();
    expect(id.settings).toBeUndefined();
    // UserInfo follows id.token.claim when userinfo.token.claim is absent (Keycloak).
    expect(info.beta).toBe(true);
    expect(id.phones).toBeUndefined();
  });

  it("nests dotted claim names and converts values by jsonType.label", async () => {
    const realm = await scopedRealm();
    const { tokens } = await appTokens(realm.oidc, { scope: "openid tenant" });
    const info = await userinfo(realm.oidc, tokens.access_token ?? "");

    expect(info.org).toEqual({ tenant: "GB", plan: { seats: 25 } });
    expect(decodeJwt(tokens.id_token ?? "").org).toEqual({ tenant: "GB", plan: { seats: 25 } });
  });

  it("leaves an attribute claim out for a user without the attribute", async () => {
    const realm = await scopedRealm();
    const browser = new Browser();
    const { params, verifier } = await appRequest({ scope: "openid tenant" });
    const login = { username: GRACE_EMAIL, password: USER_PASSWORD };
    const response = await signIn(browser, authorizeUrl(realm.oidc, params), login);
    const code = callbackParams(response, SPA_REDIRECT).get("code") ?? "";
    const tokens = await exchangeAppCode(realm.oidc, code, verifier);

    expect(decodeJwt(tokens.access_token ?? "").org).toEqual({ plan: { seats: 25 } });
  });

  it("applies the client's own protocolMappers without any scope", async () => {
    const realm = await seedAppRealm({
      protocolMappers: [
        {
          name: "app kind",
          protocolMapper: "oidc-hardcoded-claim-mapper",
          config: { "access.token.claim": "true", "claim.name": "kind", "claim.value": "spa" },
        },
      ],
    });
    const { tokens } = await appTokens(realm.oidc);

    expect(decodeJwt(tokens.access_token ?? "").kind).toBe("spa");
    expect(decodeJwt(tokens.id_token ?? "").kind).toBeUndefined();
  });
});

describe("consent for realm client scopes", () => {
  it("shows the scope's consent.screen.text", async () => {
    const realm = await scopedRealm({ consentRequired: true });
    const { params } = await appRequest({ scope: "openid tenant" });
    const page = await signIn(new Browser(), authorizeUrl(realm.oidc, params));

    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Your tenant");
  });

  it("lists the approved realm scope by its text on the account page", async () => {
    const realm = await scopedRealm({ consentRequired: true });
    const browser = new Browser();
    const { params } = await appRequest({ scope: "openid tenant" });
    const url = authorizeUrl(realm.oidc, params);
    const { action, hidden } = readForm(await (await signIn(browser, url)).text(), url);
    await browser.post(action, { ...hidden, decision: "approve" });

    const account = await (await browser.get(realm.account)).text();
    expect(account).toContain("Your tenant");
  });
});
