import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { backendAuthorization, basicAuthorization } from "../support/clients";
import { authorizeDevice, seedDeviceRealm } from "../support/device";
import { postForm } from "../support/oidc";

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

describe("device authorization endpoint (RFC 8628 §3.1, §3.2)", () => {
  it("answers a device code, a Keycloak-style user code and where to enter it", async () => {
    const realm = await seedDeviceRealm();

    const device = await authorizeDevice(realm.oidc);
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(device.device_code.length).toBeGreaterThanOrEqual(43);
    expect(device).toMatchObject({
      verification_uri: `${realm.issuer}/device`,
      verification_uri_complete: `${realm.issuer}/device?user_code=${device.user_code}`,
      expires_in: 600,
      interval: 5,
    });
  });

  it("answers unauthorized_client to a client without the grant enabled", async () => {
    const realm = await seedDeviceRealm();

    const response = await postForm(
      `${realm.oidc}/auth/device`,
      {},
      { authorization: backendAuthorization() },
    );
    await expectError(response, 400, "unauthorized_client");
  });

  it("answers invalid_client to a confidential client with a wrong secret", async () => {
    const realm = await seedDeviceRealm();

    const response = await postForm(
      `${realm.oidc}/auth/device`,
      {},
      { authorization: basicAuthorization("backend", "wrong") },
    );
    await expectError(response, 401, "invalid_client");
  });

  it("answers invalid_scope to a scope the realm does not know", async () => {
    const realm = await seedDeviceRealm();

    const response = await postForm(`${realm.oidc}/auth/device`, {
      client_id: "tv",
      scope: "openid admin",
    });
    await expectError(response, 400, "invalid_scope");
  });

  it("is advertised in discovery with its grant type (RFC 8628 §4)", async () => {
    const realm = await seedDeviceRealm();

    const response = await SELF.fetch(`${realm.issuer}/.well-known/openid-configuration`);
    const config = (await response.json()) as Record<string, unknown>;
    expect(config.device_authorization_endpoint).toBe(`${realm.oidc}/auth/device`);
    expect(config.grant_types_supported).toContain("urn:ietf:params:oauth:grant-type:device_code");
  });
});
