import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { basicAuthorization } from "../support/clients";
import { postForm, signInAndExchange } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, SPA_REDIRECT, seedRealm } from "../support/realm";

const everywhere = {
  "access.token.claim": "true",
  "id.token.claim": "true",
  "userinfo.token.claim": "true",
};

function mapper(name: string, protocolMapper: string, config: Record<string, string>) {
  return { name, protocol: "openid-connect", protocolMapper, config };
}

/** One mapper of each type Keycloak's exports carry, in the realm scope `claims`. */
const claimsScope = {
  name: "claims",
  protocolMappers: [
    mapper("login", "oidc-usermodel-property-mapper", {
      ...everywhere,
      "user.attribute": "username",
      "claim.name": "login",
    }),
    mapper("verified", "oidc-usermodel-property-mapper", {
      "access.token.claim": "true",
      "user.attribute": "emailVerified",
      "claim.name": "verified",
      "jsonType.label": "boolean",
    }),
    mapper("group paths", "oidc-group-membership-mapper", {
      ...everywhere,
      "full.path": "true",
      multivalued: "true",
      "claim.name": "groups",
    }),
    mapper("group names", "oidc-group-membership-mapper", {
      "id.token.claim": "true",
      "full.path": "false",
      multivalued: "true",
      "claim.name": "group_names",
    }),
    mapper("prefixed realm roles", "oidc-usermodel-realm-role-mapper", {
      "access.token.claim": "true",
      "usermodel.realmRoleMapping.rolePrefix": "realm:",
      multivalued: "true",
      "claim.name": "authz.realm",
    }),
    mapper("backend roles", "oidc-usermodel-client-role-mapper", {
      "access.token.claim": "true",
      "userinfo.token.claim": "true",
      "usermodel.clientRoleMapping.clientId": "backend",
      "usermodel.clientRoleMapping.rolePrefix": "b-",
      multivalued: "true",
      "claim.name": "backend_roles",
    }),
    mapper("every client's roles", "oidc-usermodel-client-role-mapper", {
      "access.token.claim": "true",
      "introspection.token.claim": "false",
      multivalued: "true",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Keycloak's literal placeholder
      "claim.name": "apps.${client_id}",
    }),
    mapper("only at introspection", "oidc-hardcoded-claim-mapper", {
      "introspection.token.claim": "true",
      "claim.name": "tier",
      "claim.value": "gold",
    }),
  ],
};

/**
 * ada holds `customer` (composite of `reader`) through `/org`, `backend-viewer` through her
 * direct group `/org/team`, and the `spa` role `spa-user` directly.
 */
function seedMapperRealm(spa: Record<string, unknown> = {}, scope = claimsScope) {
  return seedRealm({
    clientScopes: [scope],
    clients: [
      {
        clientId: "spa",
        publicClient: true,
        redirectUris: [SPA_REDIRECT],
        defaultClientScopes: ["profile", "email", "roles", "claims"],
        ...spa,
      },
      { clientId: "backend", secret: BACKEND_SECRET, redirectUris: [BACKEND_REDIRECT] },
    ],
    roles: {
      realm: [
        { name: "customer", composite: true, composites: { realm: ["reader"] } },
        { name: "reader" },
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
    ],
  });
}

async function userinfo(oidc: string, accessToken: string) {
  const response = await SELF.fetch(`${oidc}/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return (await response.json()) as Record<string, unknown>;
}

async function signedIn(spa: Record<string, unknown> = {}) {
  const realm = await seedMapperRealm(spa);
  const { tokens } = await signInAndExchange(realm.oidc);
  const accessToken = tokens.access_token ?? "";
  return {
    realm,
    accessToken,
    access: decodeJwt(accessToken),
    id: decodeJwt(tokens.id_token ?? ""),
    info: await userinfo(realm.oidc, accessToken),
  };
}

describe("user property mapper (oidc-usermodel-property-mapper)", () => {
  it("copies a user property into every token its flags name", async () => {
    const { access, id, info } = await signedIn();

    expect([access.login, id.login, info.login]).toEqual(["ada", "ada", "ada"]);
  });

  it("types a property by jsonType.label and keeps it out of tokens not flagged", async () => {
    const { access, id, info } = await signedIn();

    expect(access.verified).toBe(true);
    expect(id.verified).toBeUndefined();
    expect(info.verified).toBeUndefined();
  });
});

describe("group membership mapper (oidc-group-membership-mapper)", () => {
  it("lists direct groups by full path with full.path true", async () => {
    const { access, info } = await signedIn();

    expect(access.groups).toEqual(["/org/team"]);
    expect(info.groups).toEqual(["/org/team"]);
  });

  it("lists direct groups by name with full.path false, only where flagged", async () => {
    const { access, id } = await signedIn();

    expect(id.group_names).toEqual(["team"]);
    expect(access.group_names).toBeUndefined();
  });
});

describe("realm and client role mappers (Keycloak's role mappers)", () => {
  it("puts the effective realm roles, prefixed, under the claim name", async () => {
    const { access, id } = await signedIn();

    expect(access.authz).toEqual({ realm: ["realm:customer", "realm:reader"] });
    expect(id.authz).toBeUndefined();
  });

  it("puts one client's roles, prefixed, under the claim name", async () => {
    const { access, info } = await signedIn();

    expect(access.backend_roles).toEqual(["b-backend-viewer"]);
    expect(info.backend_roles).toEqual(["b-backend-viewer"]);
  });

  it("replaces the client_id placeholder in the claim name with each role's client", async () => {
    const { access } = await signedIn();

    expect(access.apps).toEqual({ backend: ["backend-viewer"], spa: ["spa-user"] });
  });

  it("maps only roles in the client's role scope without fullScopeAllowed", async () => {
    const { access } = await signedIn({ fullScopeAllowed: false });

    expect(access.apps).toEqual({ spa: ["spa-user"] });
    expect(access.authz).toBeUndefined();
    expect(access.backend_roles).toBeUndefined();
  });

  it("adds to the roles scope's realm_access.roles rather than replacing it", async () => {
    const scope = {
      name: "claims",
      protocolMappers: [
        mapper("copies", "oidc-usermodel-realm-role-mapper", {
          "access.token.claim": "true",
          "usermodel.realmRoleMapping.rolePrefix": "copy-",
          multivalued: "true",
          "claim.name": "realm_access.roles",
        }),
      ],
    };
    const realm = await seedMapperRealm({}, scope);
    const { tokens } = await signInAndExchange(realm.oidc);

    expect(decodeJwt(tokens.access_token ?? "").realm_access).toEqual({
      roles: ["customer", "reader", "copy-customer", "copy-reader"],
    });
  });
});

async function introspect(oidc: string, token: string) {
  const authorization = basicAuthorization("backend", BACKEND_SECRET);
  const response = await postForm(`${oidc}/token/introspect`, { token }, { authorization });
  return (await response.json()) as Record<string, unknown>;
}

describe("introspection.token.claim (RFC 7662 §2.2 answers shaped by mappers)", () => {
  it("answers the token's mapped claims when the switch is absent", async () => {
    const { realm, accessToken } = await signedIn();
    const answer = await introspect(realm.oidc, accessToken);

    expect(answer.active).toBe(true);
    expect(answer.groups).toEqual(["/org/team"]);
    expect(answer.backend_roles).toEqual(["b-backend-viewer"]);
  });

  it("leaves out a claim whose mapper says introspection.token.claim false", async () => {
    const { realm, access, accessToken } = await signedIn();
    const answer = await introspect(realm.oidc, accessToken);

    expect(access.apps).toBeDefined();
    expect(answer.apps).toBeUndefined();
  });

  it("adds a claim whose mapper is for introspection only", async () => {
    const { realm, access, accessToken } = await signedIn();
    const answer = await introspect(realm.oidc, accessToken);

    expect(access.tier).toBeUndefined();
    expect(answer.tier).toBe("gold");
  });
});
