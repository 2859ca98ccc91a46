import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { appTokens, seedAppRealm } from "../support/app-client";

const API = "https://api.example/";

function audienceMapper(config: Record<string, string>) {
  return { name: "audience", protocolMapper: "oidc-audience-mapper", config };
}

/** `app` with a realm scope `api` (optional) whose mapper names `rs` and the API. */
function audienceRealm(mapperConfig: Record<string, string>) {
  return seedAppRealm(
    { optionalClientScopes: ["api"] },
    { clientScopes: [{ name: "api", protocolMappers: [audienceMapper(mapperConfig)] }] },
  );
}

const bothAudiences = {
  "included.client.audience": "rs",
  "included.custom.audience": API,
  "access.token.claim": "true",
};

describe("Keycloak's audience mapper (oidc-audience-mapper)", () => {
  it("makes aud the mapped audiences, without the client's own id, as Keycloak", async () => {
    const realm = await audienceRealm(bothAudiences);
    const { tokens } = await appTokens(realm.oidc, { scope: "openid api" });

    expect(decodeJwt(tokens.access_token ?? "").aud).toEqual(["rs", API]);
    expect(decodeJwt(tokens.access_token ?? "").azp).toBe("app");
  });

  it("gives a single mapped audience as a string", async () => {
    const realm = await audienceRealm({
      "included.client.audience": "rs",
      "access.token.claim": "true",
    });
    const { tokens } = await appTokens(realm.oidc, { scope: "openid api" });

    expect(decodeJwt(tokens.access_token ?? "").aud).toBe("rs");
  });

  it("adds nothing while its optional scope was not asked for", async () => {
    const realm = await audienceRealm(bothAudiences);
    const { tokens } = await appTokens(realm.oidc);

    expect(decodeJwt(tokens.access_token ?? "").aud).toBe("app");
  });

  it("adds nothing to the access token without access.token.claim", async () => {
    const realm = await audienceRealm({ "included.custom.audience": API });
    const { tokens } = await appTokens(realm.oidc, { scope: "openid api" });

    expect(decodeJwt(tokens.access_token ?? "").aud).toBe("app");
  });

  it("adds to the ID token's aud with id.token.claim, beside the client", async () => {
    const realm = await audienceRealm({
      "included.custom.audience": API,
      "id.token.claim": "true",
    });
    const { tokens } = await appTokens(realm.oidc, { scope: "openid api" });

    expect(decodeJwt(tokens.id_token ?? "").aud).toEqual(["app", API]);
    expect(decodeJwt(tokens.access_token ?? "").aud).toBe("app");
  });

  it("lets the client ask for a mapped audience as an RFC 8707 resource", async () => {
    const realm = await audienceRealm(bothAudiences);
    const { tokens } = await appTokens(realm.oidc, { resource: API });

    expect(decodeJwt(tokens.access_token ?? "").aud).toBe(API);
  });
});
