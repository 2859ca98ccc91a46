import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminFetch,
  adminSend,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { adminEventKinds, clientUuid, createdId, recordAdminEvents } from "../support/admin-scopes";
import { USER_PASSWORD } from "../support/realm";

beforeAll(bootstrapMaster);

type RoleRep = { name: string; clientRole: boolean };

/**
 * A realm with the client scope `shop`, the default scope of `narrow` (no full scope), the
 * realm role `staff` and the `spa` role `viewer`, both held by ada.
 */
async function setup(adaRoles: string[] = []) {
  const realm = await seedAdminRealm(adaRoles, {
    clients: [
      {
        clientId: "narrow",
        publicClient: true,
        directAccessGrantsEnabled: true,
        fullScopeAllowed: false,
        defaultClientScopes: ["roles", "shop"],
      },
    ],
    roles: { realm: [{ name: "staff" }] },
    userRealmRoles: ["staff"],
    settings: { clientScopes: [{ name: "shop" }] },
  });
  const token = await masterAdminToken();
  const base = `/${realm.name}`;
  const scopes = (await (await adminFetch(`${base}/client-scopes`, token)).json()) as {
    id: string;
    name: string;
  }[];
  const shopId = scopes.find((scope) => scope.name === "shop")?.id ?? "";
  const spaId = await clientUuid(realm.name, "spa");
  await adminSend("POST", `${base}/clients/${spaId}/roles`, token, { name: "viewer" });
  const adaId = (
    (await (await adminFetch(`${base}/users?username=ada`, token)).json()) as {
      id: string;
    }[]
  )[0]?.id;
  await adminSend("POST", `${base}/users/${adaId}/role-mappings/clients/${spaId}`, token, [
    { name: "viewer" },
  ]);
  return { realm, token, base, spaId, mappings: `${base}/client-scopes/${shopId}/scope-mappings` };
}

async function names(response: Response): Promise<string[]> {
  expect(response.status).toBe(200);
  return ((await response.json()) as RoleRep[]).map((role) => role.name);
}

/** The claims of ada's token for `narrow`. */
async function narrowClaims(realmName: string) {
  return decodeJwt(await passwordToken(realmName, "narrow", "ada", USER_PASSWORD));
}

describe("admin API scope mappings of a client scope (Keycloak's client scope Scope tab)", () => {
  it("maps realm and client roles, which reach the tokens of clients with the scope", async () => {
    const { realm, token, spaId, mappings } = await setup();
    await recordAdminEvents(realm.name, token);
    expect(await names(await adminFetch(`${mappings}/realm`, token))).toEqual([]);
    expect((await narrowClaims(realm.name)).realm_access).toBeUndefined();

    const addRealm = await adminSend("POST", `${mappings}/realm`, token, [{ name: "staff" }]);
    const clientPath = `${mappings}/clients/${spaId}`;
    const addClient = await adminSend("POST", clientPath, token, [{ name: "viewer" }]);

    expect([addRealm.status, addClient.status]).toEqual([204, 204]);
    expect(await names(await adminFetch(`${mappings}/realm`, token))).toEqual(["staff"]);
    expect(await names(await adminFetch(clientPath, token))).toEqual(["viewer"]);
    const claims = await narrowClaims(realm.name);
    expect(claims.realm_access).toEqual({ roles: ["staff"] });
    expect(claims.resource_access).toEqual({ spa: { roles: ["viewer"] } });

    const removed = await adminSend("DELETE", `${mappings}/realm`, token, [{ name: "staff" }]);
    expect(removed.status).toBe(204);
    expect(await names(await adminFetch(`${mappings}/realm`, token))).toEqual([]);
    expect((await narrowClaims(realm.name)).realm_access).toBeUndefined();
    expect(await adminEventKinds(realm.name)).toEqual(
      expect.arrayContaining([
        ["CREATE", "REALM_SCOPE_MAPPING"],
        ["CREATE", "CLIENT_SCOPE_MAPPING"],
        ["DELETE", "REALM_SCOPE_MAPPING"],
      ]),
    );
  });

  it("answers 404 for an unknown role, another container's role and an unknown scope", async () => {
    const { base, token, spaId, mappings } = await setup();

    const ghost = await adminSend("POST", `${mappings}/realm`, token, [{ name: "ghost" }]);
    const wrongContainer = await adminSend("POST", `${mappings}/clients/${spaId}`, token, [
      { name: "staff" },
    ]);
    const noScope = await adminFetch(`${base}/client-scopes/nope/scope-mappings/realm`, token);

    expect([ghost.status, wrongContainer.status, noScope.status]).toEqual([404, 404, 404]);
    expect(await ghost.json()).toMatchObject({ error: "Role not found" });
    expect(await names(await adminFetch(`${mappings}/realm`, token))).toEqual([]);
  });

  it("lists no mappings of a built-in scope and refuses to change them with 400", async () => {
    const { base, token } = await setup();
    const builtIn = `${base}/client-scopes/email/scope-mappings/realm`;

    expect(await names(await adminFetch(builtIn, token))).toEqual([]);
    const post = await adminSend("POST", builtIn, token, [{ name: "staff" }]);
    expect(post.status).toBe(400);
    expect(await post.json()).toMatchObject({ errorMessage: expect.stringContaining("built-in") });
  });

  it("drops the mappings with their client scope or their role", async () => {
    const { base, token, mappings } = await setup();
    const created = await adminSend("POST", `${base}/client-scopes`, token, { name: "spare" });
    const spare = `${base}/client-scopes/${createdId(created)}`;
    await adminSend("POST", `${spare}/scope-mappings/realm`, token, [{ name: "staff" }]);
    await adminSend("POST", `${mappings}/realm`, token, [{ name: "staff" }]);

    const deleted = await adminFetch(spare, token, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await names(await adminFetch(`${mappings}/realm`, token))).toEqual(["staff"]);
    const role = await adminFetch(`${base}/roles/staff`, token, { method: "DELETE" });
    expect(role.status).toBe(204);
    expect(await names(await adminFetch(`${mappings}/realm`, token))).toEqual([]);
  });

  it("lets view-clients read the mappings and refuses it changes with 403", async () => {
    const { realm, mappings } = await setup(["view-clients"]);
    const viewer = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    expect((await adminFetch(`${mappings}/realm`, viewer)).status).toBe(200);
    const post = await adminSend("POST", `${mappings}/realm`, viewer, [{ name: "staff" }]);
    expect(post.status).toBe(403);
    const del = await adminSend("DELETE", `${mappings}/realm`, viewer, [{ name: "staff" }]);
    expect(del.status).toBe(403);
  });

  it("refuses reading the mappings without view-clients with 403", async () => {
    const { realm, mappings } = await setup(["view-users"]);
    const other = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    expect((await adminFetch(`${mappings}/realm`, other)).status).toBe(403);
  });
});

describe("partial import of client scopes' scope mappings", () => {
  it("adds a new client scope with its mapping", async () => {
    const { base, token } = await setup();
    const file = {
      clientScopes: [{ name: "audit" }],
      roles: { realm: [{ name: "auditor" }] },
      scopeMappings: [{ clientScope: "audit", roles: ["auditor", "staff"] }],
    };

    const response = await adminSend("POST", `${base}/partialImport`, token, file);

    expect(response.status).toBe(200);
    const scopes = (await (await adminFetch(`${base}/client-scopes`, token)).json()) as {
      id: string;
      name: string;
    }[];
    const auditId = scopes.find((scope) => scope.name === "audit")?.id;
    const mapped = await adminFetch(`${base}/client-scopes/${auditId}/scope-mappings/realm`, token);
    expect(await names(mapped)).toEqual(["auditor", "staff"]);
  });

  it("refuses a mapping of an unknown client scope with 400 naming its path", async () => {
    const { base, token } = await setup();
    const file = {
      roles: { realm: [{ name: "auditor" }] },
      scopeMappings: [{ clientScope: "ghost", roles: ["auditor"] }],
    };

    const response = await adminSend("POST", `${base}/partialImport`, token, file);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errorMessage: expect.stringContaining(
        'scopeMappings[0].clientScope: no client scope "ghost"',
      ),
    });
    const roles = (await (await adminFetch(`${base}/roles`, token)).json()) as RoleRep[];
    expect(roles.map((role) => role.name)).not.toContain("auditor");
  });

  it("replaces an overwritten client scope's mappings with the file's", async () => {
    const { base, token, mappings } = await setup();
    expect((await adminSend("POST", `${mappings}/realm`, token, [{ name: "staff" }])).status).toBe(
      204,
    );
    const file = {
      ifResourceExists: "OVERWRITE",
      clientScopes: [{ name: "shop" }],
      roles: { realm: [{ name: "auditor" }] },
      scopeMappings: [{ clientScope: "shop", roles: ["auditor"] }],
    };

    const response = await adminSend("POST", `${base}/partialImport`, token, file);

    expect(response.status).toBe(200);
    expect(await names(await adminFetch(`${mappings}/realm`, token))).toEqual(["auditor"]);
  });
});
