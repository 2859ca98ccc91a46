import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { signInAndExchange } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, SPA_REDIRECT, seedRealm } from "../support/realm";

/**
 * A realm whose `spa` client lacks the full scope. ada holds `customer` (a composite holding
 * `reader`), `auditor`, `admin` and the `backend` role `backend-viewer`. The realm scope
 * `shop` maps `customer` and `backend-viewer`; `audit` maps `auditor`; nothing maps `admin`.
 */
function seedScopeRoleRealm(spa: Record<string, unknown> = {}) {
  return seedRealm({
    clientScopes: [{ name: "shop" }, { name: "audit" }, { name: "unused" }],
    clients: [
      {
        clientId: "spa",
        publicClient: true,
        redirectUris: [SPA_REDIRECT],
        fullScopeAllowed: false,
        defaultClientScopes: ["roles", "profile", "email", "shop"],
        optionalClientScopes: ["audit"],
        ...spa,
      },
      { clientId: "backend", secret: BACKEND_SECRET, redirectUris: [BACKEND_REDIRECT] },
    ],
    roles: {
      realm: [
        { name: "customer", composite: true, composites: { realm: ["reader"] } },
        { name: "reader" },
        { name: "auditor" },
        { name: "admin" },
      ],
      client: { backend: [{ name: "backend-viewer" }] },
    },
    scopeMappings: [
      { clientScope: "shop", roles: ["customer"] },
      { clientScope: "audit", roles: ["auditor"] },
      { clientScope: "unused", roles: ["admin"] },
    ],
    clientScopeMappings: { backend: [{ clientScope: "shop", roles: ["backend-viewer"] }] },
    users: [
      {
        username: "ada",
        email: "ada@example.com",
        emailVerified: true,
        credentials: [{ type: "password", value: "ada-password-1" }],
        realmRoles: ["customer", "auditor", "admin"],
        clientRoles: { backend: ["backend-viewer"] },
      },
    ],
  });
}

describe("roles that client scopes map (Keycloak's client scope Scope tab)", () => {
  it("gives the roles a default client scope maps, composites expanded", async () => {
    const realm = await seedScopeRoleRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.realm_access).toEqual({ roles: ["customer", "reader"] });
    expect(access.resource_access).toEqual({ backend: { roles: ["backend-viewer"] } });
    expect(access.aud).toEqual(["spa", "backend"]);
  });

  it("gives an optional client scope's roles only when the scope is requested", async () => {
    const realm = await seedScopeRoleRealm();
    const { tokens } = await signInAndExchange(realm.oidc, { scope: "openid audit" });

    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.realm_access).toEqual({ roles: ["auditor", "customer", "reader"] });
  });

  it("gives no roles of a client scope the client does not have", async () => {
    const realm = await seedScopeRoleRealm({
      defaultClientScopes: ["roles", "profile", "email"],
      optionalClientScopes: [],
    });
    const { tokens } = await signInAndExchange(realm.oidc, { scope: "openid audit" });

    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.realm_access).toBeUndefined();
    expect(access.resource_access).toBeUndefined();
  });

  it("leaves a client with the full scope all its user's roles", async () => {
    const realm = await seedScopeRoleRealm({ fullScopeAllowed: true });
    const { tokens } = await signInAndExchange(realm.oidc);

    const access = decodeJwt(tokens.access_token ?? "");
    expect(access.realm_access).toMatchObject({
      roles: expect.arrayContaining(["admin", "auditor", "customer", "reader"]),
    });
  });
});
