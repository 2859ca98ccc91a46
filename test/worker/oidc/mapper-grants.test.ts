import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { Browser } from "../support/browser";
import { basicAuthorization } from "../support/clients";
import { authorizeUrl, signIn, tokenRequest } from "../support/oidc";
import { SPA_REDIRECT, seedRealm } from "../support/realm";

const SECRET = "reports-secret-1";

const groupNames = {
  name: "group names",
  protocol: "openid-connect",
  protocolMapper: "oidc-group-membership-mapper",
  config: {
    "access.token.claim": "true",
    "id.token.claim": "true",
    multivalued: "true",
    "claim.name": "teams",
  },
};

const realmRoles = {
  name: "realm roles",
  protocolMapper: "oidc-usermodel-realm-role-mapper",
  config: { "id.token.claim": "true", multivalued: "true", "claim.name": "realm_roles" },
};

/** ada and the `Reports` service account are both members of `/ops`, which grants `auditor`. */
function seedGrantRealm() {
  return seedRealm({
    clients: [
      {
        clientId: "spa",
        publicClient: true,
        redirectUris: [SPA_REDIRECT],
        implicitFlowEnabled: true,
        protocolMappers: [groupNames, realmRoles],
      },
      {
        clientId: "Reports",
        secret: SECRET,
        serviceAccountsEnabled: true,
        protocolMappers: [groupNames],
      },
    ],
    roles: { realm: [{ name: "auditor" }] },
    groups: [{ name: "ops", realmRoles: ["auditor"] }],
    users: [
      {
        username: "ada",
        email: "ada@example.com",
        credentials: [{ type: "password", value: "ada-password-1" }],
        groups: ["/ops"],
      },
      { username: "service-account-reports", serviceAccountClientId: "Reports", groups: ["/ops"] },
    ],
  });
}

describe("mappers outside the authorization code grant", () => {
  it("maps a service account's groups into its client_credentials token", async () => {
    const realm = await seedGrantRealm();
    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "client_credentials" },
      { authorization: basicAuthorization("Reports", SECRET) },
    );
    const { access_token } = (await response.json()) as { access_token: string };

    expect(decodeJwt(access_token).teams).toEqual(["ops"]);
  });

  it("maps groups and roles into a front-channel ID token (implicit flow)", async () => {
    const realm = await seedGrantRealm();
    const params = {
      client_id: "spa",
      redirect_uri: SPA_REDIRECT,
      response_type: "id_token",
      scope: "openid",
      nonce: "nonce-1",
    };
    const response = await signIn(new Browser(), authorizeUrl(realm.oidc, params));
    const location = new URL(response.headers.get("location") ?? "");
    const idToken = new URLSearchParams(location.hash.slice(1)).get("id_token") ?? "";

    expect(decodeJwt(idToken)).toMatchObject({ teams: ["ops"], realm_roles: ["auditor"] });
  });
});
