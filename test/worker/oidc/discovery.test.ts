import { SELF } from "cloudflare:test";
import type { JWK } from "jose";
import { describe, expect, it } from "vitest";
import { ORIGIN, seedRealm } from "../support/realm";

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

async function metadata(url: string) {
  const response = await SELF.fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("OpenID Provider metadata (OpenID Connect Discovery 1.0 §3, §4)", () => {
  it("names the issuer as {origin}/realms/{realm} and Keycloak's endpoint paths", async () => {
    const realm = await seedRealm();
    const endpoint = `${ORIGIN}/realms/${realm.name}/protocol/openid-connect`;

    const config = await metadata(`${realm.issuer}/.well-known/openid-configuration`);
    expect(config).toMatchObject({
      issuer: `${ORIGIN}/realms/${realm.name}`,
      authorization_endpoint: `${endpoint}/auth`,
      token_endpoint: `${endpoint}/token`,
      userinfo_endpoint: `${endpoint}/userinfo`,
      jwks_uri: `${endpoint}/certs`,
      end_session_endpoint: `${endpoint}/logout`,
    });
  });

  it("advertises the session status iframe as check_session_iframe, and it answers", async () => {
    const realm = await seedRealm();

    const config = await metadata(`${realm.issuer}/.well-known/openid-configuration`);
    expect(config.check_session_iframe).toBe(`${realm.oidc}/login-status-iframe.html`);
    const iframe = await SELF.fetch(String(config.check_session_iframe));
    expect(iframe.status).toBe(200);
    expect(iframe.headers.get("content-type")).toContain("text/html");
  });

  it("lists the address and phone claims the scopes release", async () => {
    const realm = await seedRealm();

    const config = await metadata(`${realm.issuer}/.well-known/openid-configuration`);
    expect(config.claims_supported).toEqual(
      expect.arrayContaining(["address", "phone_number", "phone_number_verified", "c_hash"]),
    );
  });

  it("takes the issuer's origin from the request, so it matches where it was fetched", async () => {
    const realm = await seedRealm();

    const config = await metadata(
      `http://localhost:8787/realms/${realm.name}/.well-known/openid-configuration`,
    );
    expect(config.issuer).toBe(`http://localhost:8787/realms/${realm.name}`);
  });

  it("advertises the iss authorization response parameter (RFC 9207 §3)", async () => {
    const realm = await seedRealm();

    const config = await metadata(`${realm.issuer}/.well-known/openid-configuration`);
    expect(config.authorization_response_iss_parameter_supported).toBe(true);
  });

  it("advertises S256 as the only PKCE method (RFC 7636 §4.2, RFC 8414 §2)", async () => {
    const realm = await seedRealm();

    const config = await metadata(`${realm.issuer}/.well-known/openid-configuration`);
    expect(config.code_challenge_methods_supported).toEqual(["S256"]);
  });

  it("advertises what the endpoints do: response types, modes and grants", async () => {
    const realm = await seedRealm();

    const config = await metadata(`${realm.issuer}/.well-known/openid-configuration`);
    expect(config).toMatchObject({
      response_types_supported: ["code", "id_token", "code id_token"],
      response_modes_supported: ["query", "fragment", "form_post"],
      grant_types_supported: [
        "authorization_code",
        "implicit",
        "refresh_token",
        "client_credentials",
        "password",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:ietf:params:oauth:grant-type:token-exchange",
      ],
      subject_types_supported: ["public"],
      request_parameter_supported: true,
      request_uri_parameter_supported: true,
      require_request_uri_registration: true,
    });
    expect(config.id_token_signing_alg_values_supported).toContain("RS256");
    expect(config.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(["client_secret_basic", "client_secret_post"]),
    );
    expect(config.scopes_supported).toContain("openid");
  });

  it("serves the same document as OAuth authorization server metadata (RFC 8414 §3)", async () => {
    const realm = await seedRealm();

    const oidc = await metadata(`${realm.issuer}/.well-known/openid-configuration`);
    const oauth = await metadata(`${realm.issuer}/.well-known/oauth-authorization-server`);
    expect(oauth).toEqual(oidc);
  });

  it("is readable from any origin", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.issuer}/.well-known/openid-configuration`, {
      headers: { origin: "https://spa.example" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers 404 JSON for a realm that does not exist", async () => {
    const response = await SELF.fetch(
      `${ORIGIN}/realms/no-such-realm/.well-known/openid-configuration`,
    );

    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await response.json()) as { error: string }).error).toBe("not_found");
  });

  it("answers 404 JSON for a realm that is disabled", async () => {
    const realm = await seedRealm({ enabled: false });

    const response = await SELF.fetch(`${realm.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toBe("not_found");
  });
});

describe("JWKS at the jwks_uri (RFC 7517 §5, RFC 7518 §6)", () => {
  it("publishes an ES256, an RS256 and an EdDSA public key for verification", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/certs`);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: JWK[] };
    expect(keys.map((key) => key.alg).sort()).toEqual(["ES256", "EdDSA", "RS256"]);
    for (const key of keys) {
      expect(key).toMatchObject({ use: "sig", kid: expect.any(String) });
    }
    expect(keys.find((key) => key.alg === "ES256")).toMatchObject({ kty: "EC", crv: "P-256" });
    expect(keys.find((key) => key.alg === "RS256")).toMatchObject({ kty: "RSA", e: "AQAB" });
    expect(keys.find((key) => key.alg === "EdDSA")).toMatchObject({ kty: "OKP", crv: "Ed25519" });
  });

  it("publishes no private key members", async () => {
    const realm = await seedRealm();

    const { keys } = (await (await SELF.fetch(`${realm.oidc}/certs`)).json()) as { keys: JWK[] };
    for (const key of keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
  });

  it("is cacheable and readable from any origin", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/certs`, {
      headers: { origin: "https://spa.example" },
    });
    expect(response.headers.get("cache-control")).toMatch(/public, max-age=\d+/);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("content-type")).toMatch(/^application\/(jwk-set\+)?json/);
  });

  it("publishes different keys for different realms", async () => {
    const first = await seedRealm();
    const second = await seedRealm();

    const kids = async (oidc: string) => {
      const { keys } = (await (await SELF.fetch(`${oidc}/certs`)).json()) as { keys: JWK[] };
      return keys.map((key) => key.kid);
    };
    const one = await kids(first.oidc);
    for (const kid of await kids(second.oidc)) expect(one).not.toContain(kid);
  });

  it("answers 404 JSON for a realm that does not exist", async () => {
    const response = await SELF.fetch(
      `${ORIGIN}/realms/no-such-realm/protocol/openid-connect/certs`,
    );

    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toBe("not_found");
  });
});
