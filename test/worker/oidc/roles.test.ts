import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { basicAuthorization } from "../support/clients";
import { signInAndExchange, tokenRequest } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, SPA_REDIRECT, seedRealm } from "../support/realm";

const REPORTS_SECRET = "reports-secret-1";

/**
 * A realm where ada holds `customer` (a composite holding `reader`) through the group `/org`,
 * `backend-viewer` through its subgroup `/org/team`, and the `spa` client role `spa-user`
 * directly. Her entry lists her roles, so she does not get the realm's defaults.
 */
function seedRoleRealm(spa: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return seedRealm({
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT], ...spa },
      { clientId: "backend", secret: BACKEND_SECRET, redirectUris: [BACKEND_REDIRECT] },
      { clientId: "Reports", secret: REPORTS_SECRET, serviceAccountsEnabled: true },
    ],
    roles: {
      realm: [
        { name: "customer", composite: true, composites: { realm: ["reader"] } },
        { name: "reader" },
        { name: "admin" },
      ],
      client: { spa: [{ name: "spa-user" }], backend: [{ name: "backend-viewer" }] },
    },
    groups: [
      {
        name: "org",
        realmRoles: ["customer"],
        subGroups: [{ name: "team", clientRoles: { backend: ["backend-viewer"] } }],
      },
    ],
    users: [
      {
        username: "ada",
        email: "ada@example.com",
        emailVerified: true,
        credentials: [{ type: "password", value: "ada-password-1" }],
        groups: ["/org/team"],
        clientRoles: { spa: ["spa-user"] },
      },
      {
        username: "service-account-reports",
        serviceAccountClientId: "Reports",
        realmRoles: ["admin"],
        clientRoles: { backend: ["backend-viewer"] },
      },
    ],
    ...extra,
  });
}

describe("roles in access tokens (Keycloak's roles scope)", () => {
  it("carries realm roles from groups and composites, and client roles by client", async () => {
    const realm = await seedRoleRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.realm_access).toEqual({ roles: ["customer", "reader"] });
    expect(access.resource_access).toEqual({
      backend: { roles: ["backend-viewer"] },
      spa: { roles: ["spa-user"] },
    });
    // Keycloak's audience resolve: clients whose roles the token carries are audiences.
    expect(access.aud).toEqual(["spa", "backend"]);
  });

  it("keeps roles out of the ID token, as Keycloak's roles scope does", async () => {
    const realm = await seedRoleRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const id = decodeJwt(tokens.id_token ?? "");
    expect(id.realm_access).toBeUndefined();
    expect(id.resource_access).toBeUndefined();
    expect(id.aud).toBe("spa");
  });

  it("limits a client without the full scope to its own roles and its scope mappings", async () => {
    const realm = await seedRoleRealm(
      { fullScopeAllowed: false },
      { scopeMappings: [{ client: "spa", roles: ["reader"] }] },
    );
    const { tokens } = await signInAndExchange(realm.oidc);

    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.realm_access).toEqual({ roles: ["reader"] });
    expect(access.resource_access).toEqual({ spa: { roles: ["spa-user"] } });
    expect(access.aud).toBe("spa");
  });

  it("gives no realm roles to a client without full scope or scope mappings", async () => {
    const realm = await seedRoleRealm({ fullScopeAllowed: false });
    const { tokens } = await signInAndExchange(realm.oidc);

    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.realm_access).toBeUndefined();
    expect(access.resource_access).toEqual({ spa: { roles: ["spa-user"] } });
  });

  it("gives the service account the roles its entry in the realm file lists", async () => {
    const realm = await seedRoleRealm();
    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "client_credentials" },
      { authorization: basicAuthorization("Reports", REPORTS_SECRET) },
    );

    const access = decodeJwt(((await response.json()) as { access_token: string }).access_token);
    expect(access.realm_access).toEqual({ roles: ["admin"] });
    expect(access.resource_access).toEqual({ backend: { roles: ["backend-viewer"] } });
    expect(access.aud).toEqual(["Reports", "backend"]);
  });
});

describe("offline tokens need the offline_access role (Keycloak's rule)", () => {
  it("refuses offline_access with invalid_scope to a person without the role", async () => {
    const realm = await seedRoleRealm();
    const { tokens } = await signInAndExchange(realm.oidc, { scope: "openid offline_access" });

    expect(tokens).toMatchObject({ error: "invalid_scope" });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it("grants offline_access to a holder of the default role, even to a narrow client", async () => {
    const realm = await seedRealm({
      clients: [
        {
          clientId: "spa",
          publicClient: true,
          redirectUris: [SPA_REDIRECT],
          fullScopeAllowed: false,
        },
      ],
    });
    const { tokens } = await signInAndExchange(realm.oidc, { scope: "openid offline_access" });

    expect(decodeJwt(tokens.refresh_token ?? "").typ).toBe("Offline");
    // Only the role the offline_access scope brings is in this client's scope.
    expect(decodeJwt(tokens.access_token ?? "").realm_access).toEqual({
      roles: ["offline_access"],
    });
  });
});
