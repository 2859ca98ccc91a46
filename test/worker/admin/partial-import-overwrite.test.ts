import { beforeAll, describe, expect, it } from "vitest";
import {
  adminFetch,
  adminSend,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { tokenRequest } from "../support/oidc";
import { ORIGIN } from "../support/realm";

beforeAll(bootstrapMaster);

interface Results {
  added: number;
  skipped: number;
  overwritten: number;
  results: { action: string; resourceType: string; resourceName: string; id: string }[];
}

interface Exported {
  clients: {
    id: string;
    clientId: string;
    redirectUris: string[];
    attributes?: Record<string, string>;
    protocolMappers?: { name: string }[];
  }[];
  clientScopes: { name: string; description?: string; protocolMappers?: { name: string }[] }[];
  roles: {
    realm: { name: string; description?: string; composites?: unknown }[];
    client: Record<string, { name: string; description?: string }[]>;
  };
  groups: { name: string; realmRoles?: string[]; subGroups?: { name: string }[] }[];
  users: {
    username: string;
    firstName?: string;
    attributes?: Record<string, string[]>;
    realmRoles?: string[];
    groups?: string[];
  }[];
}

const OLD_PASSWORD = "bob password 1";
const NEW_PASSWORD = "bob password 2";

function mapper(name: string, claim: string) {
  return {
    name,
    protocol: "openid-connect",
    protocolMapper: "oidc-hardcoded-claim-mapper",
    config: { "claim.name": claim, "claim.value": "x", "access.token.claim": "true" },
  };
}

/** The file the realm is first given: every resource type, with values to be replaced. */
function firstFile() {
  return {
    clientScopes: [
      { name: "billing", description: "old scope", protocolMappers: [mapper("old-m", "old")] },
    ],
    clients: [
      {
        clientId: "reports",
        publicClient: true,
        redirectUris: ["https://r.example/old"],
        attributes: { "pkce.code.challenge.method": "S256" },
        protocolMappers: [mapper("old-client-m", "oldc")],
      },
    ],
    roles: {
      realm: [
        { name: "auditor", description: "old", composites: { realm: ["reader"] } },
        { name: "reader" },
      ],
      client: { reports: [{ name: "viewer", description: "old viewer" }] },
    },
    groups: [{ name: "audit", realmRoles: ["auditor"], subGroups: [{ name: "eu" }] }],
    users: [
      {
        username: "bob",
        firstName: "Old",
        attributes: { dept: ["old"] },
        realmRoles: ["auditor"],
        groups: ["/audit/eu"],
        credentials: [{ type: "password", value: OLD_PASSWORD }],
      },
    ],
  };
}

/** The same resources with other values. */
function secondFile() {
  return {
    clientScopes: [
      { name: "billing", description: "new scope", protocolMappers: [mapper("new-m", "new")] },
    ],
    clients: [
      {
        clientId: "reports",
        publicClient: true,
        redirectUris: ["https://r.example/new"],
        protocolMappers: [mapper("new-client-m", "newc")],
      },
    ],
    roles: {
      realm: [{ name: "auditor", description: "new" }, { name: "writer" }],
      client: { reports: [{ name: "viewer", description: "new viewer" }] },
    },
    groups: [{ name: "audit", realmRoles: ["writer"], subGroups: [{ name: "eu" }] }],
    users: [
      {
        username: "bob",
        firstName: "New",
        realmRoles: ["writer"],
        credentials: [{ type: "password", value: NEW_PASSWORD }],
      },
    ],
  };
}

function withoutMapperIds(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, entry) => {
    if (key === "protocolMappers" && Array.isArray(entry)) {
      return entry.map(({ id: _id, ...mapper }) => mapper);
    }
    return entry;
  });
}

async function importInto(realm: string, token: string, body: unknown) {
  return adminSend("POST", `/${realm}/partialImport`, token, body);
}

async function exportOf(realm: string, token: string): Promise<Exported> {
  const query = "exportClients=true&exportGroupsAndRoles=true&includeUsers=true";
  const response = await adminFetch(`/${realm}/partial-export?${query}`, token, {
    method: "POST",
  });
  return (await response.json()) as Exported;
}

/** A realm given the first file, its export and an offline-less refresh token of bob's. */
async function seeded() {
  const realm = await seedAdminRealm();
  const token = await masterAdminToken();
  const first = await importInto(realm.name, token, firstFile());
  expect(first.status).toBe(200);
  const before = await exportOf(realm.name, token);
  const oidc = `${ORIGIN}/realms/${realm.name}/protocol/openid-connect`;
  const fields = { grant_type: "password", client_id: "cli", username: "bob" };
  const grant = await tokenRequest(oidc, { ...fields, password: OLD_PASSWORD });
  const { refresh_token } = (await grant.json()) as { refresh_token: string };
  return { realm: realm.name, token, before, oidc, refreshToken: refresh_token };
}

describe("partial import OVERWRITE (Keycloak's ifResourceExists OVERWRITE)", () => {
  it("replaces each existing resource, keeps its id and reports it OVERWRITTEN", async () => {
    const { realm, token, before } = await seeded();

    const response = await importInto(realm, token, {
      ...secondFile(),
      ifResourceExists: "OVERWRITE",
    });

    expect(response.status).toBe(200);
    const body = (await response.json()) as Results;
    expect(body).toMatchObject({ added: 1, skipped: 0, overwritten: 6 });
    expect(body.results.map((r) => [r.action, r.resourceType, r.resourceName])).toEqual([
      ["ADDED", "REALM_ROLE", "writer"],
      ["OVERWRITTEN", "CLIENT_SCOPE", "billing"],
      ["OVERWRITTEN", "CLIENT", "reports"],
      ["OVERWRITTEN", "REALM_ROLE", "auditor"],
      ["OVERWRITTEN", "CLIENT_ROLE", "viewer"],
      ["OVERWRITTEN", "GROUP", "audit"],
      ["OVERWRITTEN", "USER", "bob"],
    ]);
    const reportsBefore = before.clients.find((c) => c.clientId === "reports");
    expect(body.results).toContainEqual(
      expect.objectContaining({ resourceName: "reports", id: reportsBefore?.id }),
    );
  });

  it("leaves none of the old values behind", async () => {
    const { realm, token } = await seeded();

    await importInto(realm, token, { ...secondFile(), ifResourceExists: "OVERWRITE" });

    const after = await exportOf(realm, token);
    const reports = after.clients.find((c) => c.clientId === "reports");
    expect(reports?.redirectUris).toEqual(["https://r.example/new"]);
    expect(reports?.attributes?.["pkce.code.challenge.method"]).toBeUndefined();
    expect(reports?.protocolMappers?.map((m) => m.name)).toEqual(["new-client-m"]);
    const billing = after.clientScopes.find((s) => s.name === "billing");
    expect(billing?.description).toBe("new scope");
    expect(billing?.protocolMappers?.map((m) => m.name)).toEqual(["new-m"]);
    const auditor = after.roles.realm.find((r) => r.name === "auditor");
    expect(auditor?.description).toBe("new");
    expect(auditor?.composites).toBeUndefined();
    expect(after.roles.client.reports).toEqual([
      expect.objectContaining({ name: "viewer", description: "new viewer" }),
    ]);
    const audit = after.groups.find((g) => g.name === "audit");
    expect(audit?.realmRoles).toEqual(["writer"]);
    expect(audit?.subGroups?.map((g) => g.name)).toEqual(["eu"]);
    const bob = after.users.find((u) => u.username === "bob");
    expect(bob?.firstName).toBe("New");
    expect(bob?.attributes ?? {}).not.toHaveProperty("dept");
    expect(bob?.realmRoles).toContain("writer");
    expect(bob?.realmRoles).not.toContain("auditor");
    expect(bob?.groups ?? []).not.toContain("/audit/eu");
  });

  it("replaces bob's password and ends his sessions and refresh tokens", async () => {
    const { realm, token, oidc, refreshToken } = await seeded();

    await importInto(realm, token, { ...secondFile(), ifResourceExists: "OVERWRITE" });

    await expect(passwordToken(realm, "cli", "bob", OLD_PASSWORD)).rejects.toThrow("no token");
    await expect(passwordToken(realm, "cli", "bob", NEW_PASSWORD)).resolves.toBeTypeOf("string");
    const refresh = await tokenRequest(oidc, {
      grant_type: "refresh_token",
      client_id: "cli",
      refresh_token: refreshToken,
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("keeps a user's password when the file carries none", async () => {
    const { realm, token } = await seeded();

    const response = await importInto(realm, token, {
      users: [{ username: "bob", firstName: "Kept" }],
      ifResourceExists: "OVERWRITE",
    });

    expect(response.status).toBe(200);
    await expect(passwordToken(realm, "cli", "bob", OLD_PASSWORD)).resolves.toBeTypeOf("string");
  });

  it("gives an overwritten client the file's secret and the service account it gains", async () => {
    const { realm, token, oidc } = await seeded();
    const batch = { clientId: "batch", secret: "old batch secret" };
    await importInto(realm, token, { clients: [batch] });

    const response = await importInto(realm, token, {
      clients: [{ ...batch, secret: "new batch secret", serviceAccountsEnabled: true }],
      ifResourceExists: "OVERWRITE",
    });

    const body = (await response.json()) as Results;
    expect(body.results.map((r) => [r.action, r.resourceName])).toEqual([
      ["ADDED", "service-account-batch"],
      ["OVERWRITTEN", "batch"],
    ]);
    const grant = (secret: string) =>
      tokenRequest(oidc, {
        grant_type: "client_credentials",
        client_id: "batch",
        client_secret: secret,
      });
    expect((await grant("old batch secret")).status).toBe(401);
    expect((await grant("new batch secret")).status).toBe(200);
  });

  it("overwrites a realm with its own export and leaves it as it was", async () => {
    const { realm, token, before } = await seeded();
    const query =
      "exportClients=true&exportGroupsAndRoles=true&includeUsers=true&includeSecrets=true";
    const exported = await adminFetch(`/${realm}/partial-export?${query}`, token, {
      method: "POST",
    });
    const file = (await exported.json()) as Record<string, unknown>;

    const response = await importInto(realm, token, { ...file, ifResourceExists: "OVERWRITE" });

    expect(response.status).toBe(200);
    const body = (await response.json()) as Results;
    expect(body.added).toBe(0);
    expect(body.results).toContainEqual(
      expect.objectContaining({ action: "OVERWRITTEN", resourceType: "USER", resourceName: "ada" }),
    );
    // Mappers are replaced, not kept: only their ids change.
    expect(withoutMapperIds(await exportOf(realm, token))).toEqual(withoutMapperIds(before));
    await expect(passwordToken(realm, "cli", "bob", OLD_PASSWORD)).resolves.toBeTypeOf("string");
  });

  it("skips Keycloak's built-ins under OVERWRITE", async () => {
    const { realm, token } = await seeded();

    const response = await importInto(realm, token, {
      roles: { realm: [{ name: "offline_access", description: "changed" }] },
      clients: [{ clientId: "realm-management", publicClient: true }],
      ifResourceExists: "OVERWRITE",
    });

    const body = (await response.json()) as Results;
    expect(body).toMatchObject({ added: 0, overwritten: 0, skipped: 2 });
    const after = await exportOf(realm, token);
    const offline = after.roles.realm.find((r) => r.name === "offline_access");
    expect(offline?.description).not.toBe("changed");
  });

  it("refuses a file that defines an existing role or group twice (400)", async () => {
    const { realm, token, before } = await seeded();

    const roles = await importInto(realm, token, {
      roles: { realm: [{ name: "auditor" }, { name: "auditor", description: "again" }] },
      ifResourceExists: "OVERWRITE",
    });
    const groups = await importInto(realm, token, {
      groups: [{ name: "audit", subGroups: [{ name: "eu" }, { name: "eu" }] }],
      ifResourceExists: "OVERWRITE",
    });

    expect(roles.status).toBe(400);
    expect(await roles.json()).toMatchObject({
      errorMessage: expect.stringContaining('"auditor" is defined twice'),
    });
    expect(groups.status).toBe(400);
    expect(await groups.json()).toMatchObject({
      errorMessage: expect.stringContaining('the group "/audit/eu" is defined twice'),
    });
    expect(await exportOf(realm, token)).toEqual(before);
  });

  it("changes nothing when one overwrite fails (400)", async () => {
    const { realm, token, before } = await seeded();
    const file = secondFile();
    // bob would take ada's email: the batch fails on the unique email, after the other writes.
    const users = [{ ...file.users[0], email: "ada@example.com" }];

    const response = await importInto(realm, token, {
      ...file,
      users,
      ifResourceExists: "OVERWRITE",
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errorMessage: expect.stringContaining("nothing was added"),
    });
    expect(await exportOf(realm, token)).toEqual(before);
    await expect(passwordToken(realm, "cli", "bob", OLD_PASSWORD)).resolves.toBeTypeOf("string");
  });
});
