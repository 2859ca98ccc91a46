import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { tokenRequest } from "../support/oidc";
import { defaultRealmRoles, SPA_REDIRECT, seedRealm, USER_PASSWORD } from "../support/realm";

/** A realm whose public client `cli` may use the password grant; `spa` may not. */
function seedDirectAccessRealm() {
  return seedRealm({
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT] },
      { clientId: "cli", publicClient: true, directAccessGrantsEnabled: true },
    ],
  });
}

function passwordRequest(oidc: string, clientId: string, username: string, password: string) {
  return tokenRequest(oidc, { grant_type: "password", client_id: clientId, username, password });
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

describe("password grant (RFC 6749 §4.3, Keycloak's direct access grants)", () => {
  it("issues tokens with the user's roles to a client that enables it", async () => {
    const realm = await seedDirectAccessRealm();

    const response = await passwordRequest(realm.oidc, "cli", "ada", USER_PASSWORD);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body.refresh_token).toEqual(expect.any(String));
    const claims = decodeJwt(body.access_token as string);
    expect(claims.preferred_username).toBe("ada");
    expect(claims.sid).toEqual(expect.any(String));
    expect((claims.realm_access as { roles: string[] }).roles).toEqual(
      expect.arrayContaining(defaultRealmRoles(realm.name)),
    );
  });

  it("refuses a client without direct access grants with unauthorized_client", async () => {
    const realm = await seedDirectAccessRealm();

    const response = await passwordRequest(realm.oidc, "spa", "ada", USER_PASSWORD);
    await expectError(response, 400, "unauthorized_client");
  });

  it("answers a wrong password and an unknown user alike, with invalid_grant", async () => {
    const realm = await seedDirectAccessRealm();

    const wrong = await passwordRequest(realm.oidc, "cli", "ada", "not-the-password");
    const unknown = await passwordRequest(realm.oidc, "cli", "nobody", "not-the-password");
    const bodies = [await wrong.json(), await unknown.json()];
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(bodies[0]).toEqual(bodies[1]);
    expect(bodies[0]).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a request without a password with invalid_request", async () => {
    const realm = await seedDirectAccessRealm();

    const response = await tokenRequest(realm.oidc, {
      grant_type: "password",
      client_id: "cli",
      username: "ada",
    });
    await expectError(response, 400, "invalid_request");
  });

  it("refuses even the right password once the account is locked out", async () => {
    const realm = await seedRealm({
      failureFactor: 2,
      clients: [{ clientId: "cli", publicClient: true, directAccessGrantsEnabled: true }],
    });

    await passwordRequest(realm.oidc, "cli", "ada", "wrong-1");
    await passwordRequest(realm.oidc, "cli", "ada", "wrong-2");
    const response = await passwordRequest(realm.oidc, "cli", "ada", USER_PASSWORD);
    await expectError(response, 400, "invalid_grant");
  });
});
