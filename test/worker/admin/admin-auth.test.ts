import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { masterRealm } from "../../../src/admin/bootstrap";
import { withRealmManagement } from "../../../src/admin/realm-management";
import { database } from "../../../src/db/client";
import { importRealm } from "../../../src/realm-import/import-realm";
import {
  ADMIN_USERNAME,
  adminFetch,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { basicAuthorization } from "../support/clients";
import { postForm, tokenRequest } from "../support/oidc";
import { ORIGIN, seedRealm, USER_PASSWORD } from "../support/realm";
import { signAsRealm } from "../support/store";

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject({ error });
}

beforeAll(bootstrapMaster);

describe("admin API authentication (Keycloak's bearer tokens and realm-management roles)", () => {
  it("refuses a request without a token with 401", async () => {
    const realm = await seedAdminRealm();

    await expectError(
      await adminFetch(`/${realm.name}/users`, undefined),
      401,
      "HTTP 401 Unauthorized",
    );
  });

  it("lets the bootstrap administrator of master read any realm", async () => {
    const realm = await seedAdminRealm();
    const token = await masterAdminToken();

    const response = await adminFetch(`/${realm.name}`, token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ realm: realm.name, enabled: true });
    const list = (await (await adminFetch("", token)).json()) as { realm: string }[];
    expect(list.map((entry) => entry.realm)).toEqual(
      expect.arrayContaining(["master", realm.name]),
    );
  });

  it("lets a realm's own token with view-users read users but not create them", async () => {
    const realm = await seedAdminRealm(["view-users"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    const create = await adminFetch(`/${realm.name}/users`, token, {
      method: "POST",
      body: JSON.stringify({ username: "grace" }),
    });
    await expectError(create, 403, "HTTP 403 Forbidden");
  });

  it("implies view-users from manage-users", async () => {
    const realm = await seedAdminRealm(["manage-users"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    await expectError(await adminFetch(`/${realm.name}`, token), 403, "HTTP 403 Forbidden");
  });

  it("refuses a token of another realm, even one with realm-admin there", async () => {
    const issuing = await seedAdminRealm(["realm-admin"]);
    const other = await seedAdminRealm();
    const token = await passwordToken(issuing.name, "cli", "ada", USER_PASSWORD);

    expect((await adminFetch(`/${issuing.name}/users`, token)).status).toBe(200);
    await expectError(
      await adminFetch(`/${other.name}/users`, token),
      401,
      "HTTP 401 Unauthorized",
    );
  });

  it("refuses an expired token with 401", async () => {
    const realm = await seedAdminRealm(["realm-admin"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    const claims = JSON.parse(
      atob(token.split(".")[1]?.replace(/-/g, "+").replace(/_/g, "/") ?? ""),
    );
    const expired = await signAsRealm(
      realm.name,
      { ...claims, exp: claims.iat - 1 },
      { typ: "at+jwt" },
    );

    await expectError(
      await adminFetch(`/${realm.name}/users`, expired),
      401,
      "HTTP 401 Unauthorized",
    );
  });

  it("refuses a token whose session has ended", async () => {
    const realm = await seedAdminRealm(["realm-admin"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    const claims = JSON.parse(
      atob(token.split(".")[1]?.replace(/-/g, "+").replace(/_/g, "/") ?? ""),
    );
    const orphan = await signAsRealm(realm.name, { ...claims, sid: "ended" }, { typ: "at+jwt" });

    await expectError(
      await adminFetch(`/${realm.name}/users`, orphan),
      401,
      "HTTP 401 Unauthorized",
    );
  });

  it("refuses an access token its client revoked (RFC 7009), and takes a fresh one", async () => {
    const realm = await seedAdminRealm(["realm-admin"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    expect((await adminFetch(`/${realm.name}/users`, token)).status).toBe(200);

    const oidc = `${ORIGIN}/realms/${realm.name}/protocol/openid-connect`;
    const revoked = await postForm(`${oidc}/revoke`, { client_id: "cli", token });
    expect(revoked.status).toBe(200);
    await expectError(
      await adminFetch(`/${realm.name}/users`, token),
      401,
      "HTTP 401 Unauthorized",
    );
    const fresh = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    expect((await adminFetch(`/${realm.name}/users`, fresh)).status).toBe(200);
  });

  it("answers an unknown admin path with a 404 in the admin API's shape", async () => {
    const realm = await seedAdminRealm();
    const token = await masterAdminToken();

    const response = await adminFetch(`/${realm.name}/nonsense`, token);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: "Unable to find matching target resource method",
      errorMessage: "Unable to find matching target resource method",
    });
  });

  it("answers 404 for an unknown realm", async () => {
    const token = await masterAdminToken();

    await expectError(await adminFetch("/no-such-realm/users", token), 404, "Realm not found");
  });

  it("accepts a service account's token that holds realm-management roles", async () => {
    const client = { clientId: "robot", secret: "robot-secret-1", serviceAccountsEnabled: true };
    const robotRealm = await seedRealm(
      withRealmManagement({
        clients: [client],
        users: [
          {
            username: "service-account-robot",
            serviceAccountClientId: "robot",
            clientRoles: { "realm-management": ["view-users"] },
          },
        ],
      }),
    );
    const response = await tokenRequest(
      robotRealm.oidc,
      { grant_type: "client_credentials" },
      { authorization: basicAuthorization("robot", "robot-secret-1") },
    );
    const robot = ((await response.json()) as { access_token: string }).access_token;

    expect((await adminFetch(`/${robotRealm.name}/users`, robot)).status).toBe(200);
    await expectError(await adminFetch(`/${robotRealm.name}`, robot), 403, "HTTP 403 Forbidden");
  });
});

describe("bootstrap of the master realm (BOOTSTRAP_ADMIN_USERNAME / _PASSWORD)", () => {
  it("makes an administrator of every realm who signs in through admin-cli", async () => {
    const claims = decodeJwt(await masterAdminToken());

    expect(claims.azp).toBe("admin-cli");
    expect((claims.realm_access as { roles: string[] }).roles).toContain("admin");
  });

  it("runs once: a second bootstrap with another password changes nothing", async () => {
    const db = database(env.DB);
    await importRealm(db, masterRealm(ADMIN_USERNAME, "another password"));

    await expect(masterAdminToken()).resolves.toEqual(expect.any(String));
    const other = await tokenRequest(`${ORIGIN}/realms/master/protocol/openid-connect`, {
      grant_type: "password",
      client_id: "admin-cli",
      username: ADMIN_USERNAME,
      password: "another password",
    });
    expect(other.status).toBe(400);
  });
});
