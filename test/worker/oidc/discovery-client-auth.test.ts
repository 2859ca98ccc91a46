import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seedRealm } from "../support/realm";

const assertionAlgs = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "HS256",
  "HS384",
  "HS512",
];

async function metadata(issuer: string) {
  const response = await SELF.fetch(`${issuer}/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("discovery of client authentication, PAR and request objects", () => {
  it("lists the JWT client authentication methods with their algorithms", async () => {
    const realm = await seedRealm();
    const config = await metadata(realm.issuer);
    const methods = ["client_secret_basic", "client_secret_post", "private_key_jwt"];

    expect(config).toMatchObject({
      token_endpoint_auth_methods_supported: [...methods, "client_secret_jwt", "none"],
      token_endpoint_auth_signing_alg_values_supported: assertionAlgs,
      revocation_endpoint_auth_methods_supported: [...methods, "client_secret_jwt", "none"],
      revocation_endpoint_auth_signing_alg_values_supported: assertionAlgs,
      introspection_endpoint_auth_methods_supported: [...methods, "client_secret_jwt"],
      introspection_endpoint_auth_signing_alg_values_supported: assertionAlgs,
    });
  });

  it("never offers none or HMAC for request objects signed with registered keys", async () => {
    const realm = await seedRealm();
    const config = await metadata(realm.issuer);

    expect(config.request_parameter_supported).toBe(true);
    expect(config.request_uri_parameter_supported).toBe(true);
    expect(config.require_request_uri_registration).toBe(true);
    expect(config.request_object_signing_alg_values_supported).toEqual([
      ...assertionAlgs.filter((alg) => !alg.startsWith("HS")),
      "none",
    ]);
    expect(config.token_endpoint_auth_signing_alg_values_supported).not.toContain("none");
  });

  it("names the PAR endpoint at Keycloak's path and does not require it of all", async () => {
    const realm = await seedRealm();
    const config = await metadata(realm.issuer);

    expect(config.pushed_authorization_request_endpoint).toBe(`${realm.oidc}/ext/par/request`);
    expect(config.require_pushed_authorization_requests).toBe(false);
  });
});
