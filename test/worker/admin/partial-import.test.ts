import { beforeAll, describe, expect, it } from "vitest";
import {
  adminFetch,
  adminSend,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { USER_EMAIL, USER_PASSWORD } from "../support/realm";

beforeAll(bootstrapMaster);

interface Results {
  added: number;
  skipped: number;
  overwritten: number;
  results: { action: string; resourceType: string; resourceName: string; id: string }[];
  unsupported: { field: string; count: number }[];
}

const BOB_PASSWORD = "bob password 1";

/** A file adding a client, a role, a group and bob, plus an identity provider and a webhook. */
function newResources() {
  return {
    clients: [
      { clientId: "reports", publicClient: true, redirectUris: ["https://r.example/cb"] },
      { clientId: "batch", secret: "batch secret 1", serviceAccountsEnabled: true },
    ],
    roles: { realm: [{ name: "auditor" }] },
    groups: [{ name: "audit", realmRoles: ["auditor"], subGroups: [{ name: "eu" }] }],
    users: [
      {
        username: "bob",
        groups: ["/audit/eu"],
        realmRoles: ["auditor"],
        credentials: [{ type: "password", value: BOB_PASSWORD }],
      },
    ],
    defaultGroups: ["/audit"],
    identityProviders: [{ alias: "google", providerId: "google" }],
    webhooks: [{ url: "https://hooks.example/latchkey" }],
  };
}

async function importInto(realm: string, token: string, body: unknown) {
  return adminSend("POST", `/${realm}/partialImport`, token, body);
}

async function realmRoleNames(realm: string, token: string): Promise<string[]> {
  const response = await adminFetch(`/${realm}/roles`, token);
  return ((await response.json()) as { name: string }[]).map((role) => role.name);
}

describe("partial import (Keycloak's partialImport)", () => {
  it("adds what the realm lacks and reports each as ADDED, unsupported parts named", async () => {
    const realm = await seedAdminRealm();
    const token = await masterAdminToken();

    const response = await importInto(realm.name, token, {
      ifResourceExists: "FAIL",
      ...newResources(),
    });

    expect(response.status).toBe(200);
    const body = (await response.json()) as Results;
    expect(body).toMatchObject({ added: 6, skipped: 0, overwritten: 0 });
    expect(body.results.map((r) => [r.action, r.resourceType, r.resourceName])).toEqual([
      ["ADDED", "CLIENT", "reports"],
      ["ADDED", "CLIENT", "batch"],
      ["ADDED", "REALM_ROLE", "auditor"],
      ["ADDED", "GROUP", "audit"],
      ["ADDED", "USER", "bob"],
      ["ADDED", "USER", "service-account-batch"],
    ]);
    expect(body.unsupported).toEqual([
      { field: "identityProviders", count: 1 },
      { field: "webhooks", count: 1 },
    ]);
    await expect(passwordToken(realm.name, "cli", "bob", BOB_PASSWORD)).resolves.toBeTypeOf(
      "string",
    );
    const groups = await adminFetch(`/${realm.name}/groups?search=eu`, token);
    expect(JSON.stringify(await groups.json())).toContain("/audit/eu");
    const exported = await adminFetch(
      `/${realm.name}/partial-export?exportGroupsAndRoles=true`,
      token,
      {
        method: "POST",
      },
    );
    expect(await exported.json()).toMatchObject({ defaultGroups: ["/audit"] });
  });

  it("skips what exists with SKIP, naming the existing ids, and adds the rest", async () => {
    const realm = await seedAdminRealm();
    const token = await masterAdminToken();

    const response = await importInto(realm.name, token, {
      ifResourceExists: "SKIP",
      clients: [{ clientId: "spa", publicClient: true }],
      users: [{ username: "ada", email: USER_EMAIL }, { username: "cy" }],
    });

    const body = (await response.json()) as Results;
    expect(body).toMatchObject({ added: 1, skipped: 2 });
    const skipped = body.results.filter((r) => r.action === "SKIPPED");
    expect(skipped.map((r) => [r.resourceType, r.resourceName])).toEqual([
      ["CLIENT", "spa"],
      ["USER", "ada"],
    ]);
    expect(skipped.every((r) => r.id.length > 0)).toBe(true);
  });

  it("refuses the whole file with 409 under FAIL when one resource exists", async () => {
    const realm = await seedAdminRealm();
    const token = await masterAdminToken();
    const file = { ...newResources(), users: [{ username: "ada" }] };

    const response = await importInto(realm.name, token, { ifResourceExists: "FAIL", ...file });

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ errorMessage: "User 'ada' already exists" });
    expect(await realmRoleNames(realm.name, token)).not.toContain("auditor");
    const clients = await adminFetch(`/${realm.name}/partial-export?exportClients=true`, token, {
      method: "POST",
    });
    expect(JSON.stringify(await clients.json())).not.toContain("reports");
  });

  it("imports an export under FAIL into a new realm, skipping Keycloak's built-ins", async () => {
    const source = await seedAdminRealm(["realm-admin"]);
    const token = await masterAdminToken();
    const query = "exportClients=true&exportGroupsAndRoles=true&includeUsers=true";
    const exported = await adminFetch(`/${source.name}/partial-export?${query}`, token, {
      method: "POST",
    });
    const file = (await exported.json()) as Record<string, unknown>;
    const target = `${source.name}-to`;
    expect((await adminSend("POST", "", token, { realm: target })).status).toBe(201);

    const response = await importInto(target, token, { ...file, ifResourceExists: "FAIL" });

    expect(response.status).toBe(200);
    const body = (await response.json()) as Results;
    const skipped = body.results.filter((r) => r.action === "SKIPPED");
    expect(skipped.map((r) => r.resourceName)).toEqual(
      expect.arrayContaining(["offline_access", "realm-management", "realm-admin"]),
    );
    expect(body.results).toContainEqual(
      expect.objectContaining({ action: "ADDED", resourceType: "USER", resourceName: "ada" }),
    );
  });

  it("writes nothing when a user names a role the realm does not have (400)", async () => {
    const realm = await seedAdminRealm();
    const token = await masterAdminToken();
    const file = {
      roles: { realm: [{ name: "auditor" }] },
      users: [{ username: "dan", realmRoles: ["nope"] }],
    };

    const response = await importInto(realm.name, token, file);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errorMessage: expect.stringContaining('no realm role "nope"'),
    });
    expect(await realmRoleNames(realm.name, token)).not.toContain("auditor");
  });

  it("answers 400 for a body that is not JSON, a bad policy and a masked secret", async () => {
    const realm = await seedAdminRealm();
    const token = await masterAdminToken();
    const path = `/${realm.name}/partialImport`;

    const notJson = await adminFetch(path, token, { method: "POST", body: "{users:" });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ errorMessage: "The body is not valid JSON." });
    const policy = await importInto(realm.name, token, { ifResourceExists: "MERGE" });
    expect(await policy.json()).toMatchObject({
      errorMessage: "ifResourceExists must be FAIL, SKIP or OVERWRITE",
    });
    const masked = await importInto(realm.name, token, {
      clients: [{ clientId: "api", secret: "**********" }],
    });
    expect(await masked.json()).toMatchObject({
      errorMessage: expect.stringContaining("the secret is masked"),
    });
  });

  it("refuses administrators without manage-realm with 403", async () => {
    const realm = await seedAdminRealm(["manage-users"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    expect((await importInto(realm.name, token, { users: [{ username: "eve" }] })).status).toBe(
      403,
    );
  });
});
