import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { groups, roles } from "../../../src/db/role-schema";
import { effectiveRoles } from "../../../src/db/roles";
import { createUser, findServiceAccount } from "../../../src/db/users";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { realmFile } from "./fixtures";

const db = database(env.DB);
let counter = 0;
const unique = (name: string) => `${name}-${++counter}-${crypto.randomUUID().slice(0, 6)}`;

/** The message importRealm refuses a file with, after checking nothing of it was written. */
async function refusal(file: { realm: string }): Promise<string> {
  const error = await importRealm(db, file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ImportError);
  expect(await findRealmByName(db, file.realm)).toBeUndefined();
  return (error as ImportError).message;
}

/** The effective realm roles a user has for the realm's `spa` client (full scope). */
async function realmRolesOf(realmName: string, userId: string) {
  const realm = await findRealmByName(db, realmName);
  const spa = await db.query.clients.findFirst({
    where: (c, { and, eq }) => and(eq(c.realmId, realm?.id ?? ""), eq(c.clientId, "spa")),
  });
  const scope = {
    realmId: realm?.id ?? "",
    clientRowId: spa?.id ?? "",
    offlineAccess: false,
    clientScopes: [],
  };
  return (await effectiveRoles(db, userId, { ...scope, fullScopeAllowed: true })).realm;
}

describe("roles and groups from Keycloak's RealmRepresentation", () => {
  it("creates Keycloak's built-in roles in every realm, the default one holding both", async () => {
    const name = unique("Built-In");
    await importRealm(db, realmFile(name));
    const realm = await findRealmByName(db, name);

    const rows = await db
      .select()
      .from(roles)
      .where(eq(roles.realmId, realm?.id ?? ""));
    expect(rows.map((row) => row.name).sort()).toEqual([
      `default-roles-${name.toLowerCase()}`,
      "offline_access",
      "uma_authorization",
    ]);
  });

  it("gives a new user the default role and the default groups, with their roles", async () => {
    const name = unique("defaults");
    const file = realmFile(name, {
      roles: { realm: [{ name: "customer" }] },
      groups: [{ name: "customers", realmRoles: ["customer"] }, { name: "staff" }],
      defaultGroups: ["/customers"],
    });
    await importRealm(db, file);
    const realm = await findRealmByName(db, name);

    const user = await createUser(db, realm?.id ?? "", { email: "new@example.com" });

    expect(await realmRolesOf(name, user.id)).toEqual([
      "customer",
      `default-roles-${name}`,
      "offline_access",
      "uma_authorization",
    ]);
    const rows = await db
      .select()
      .from(groups)
      .where(eq(groups.realmId, realm?.id ?? ""));
    expect(rows.map((row) => row.path).sort()).toEqual(["/customers", "/staff"]);
  });

  it("gives an imported user who lists roles exactly those, not the defaults", async () => {
    const name = unique("explicit");
    const file = realmFile(name, {
      roles: { realm: [{ name: "reader" }] },
      users: [{ email: "lin@example.com", realmRoles: ["reader"] }],
    });
    await importRealm(db, file);
    const realm = await findRealmByName(db, name);
    const user = await db.query.users.findFirst({
      where: (u, { and, eq }) =>
        and(eq(u.realmId, realm?.id ?? ""), eq(u.username, "lin@example.com")),
    });

    expect(await realmRolesOf(name, user?.id ?? "")).toEqual(["reader"]);
  });

  it("gives a service account the default role when the file has no entry for it", async () => {
    const name = unique("service");
    const file = realmFile(name, {
      clients: [{ clientId: "spa", secret: "s-0123456789", serviceAccountsEnabled: true }],
    });
    await importRealm(db, file);
    const realm = await findRealmByName(db, name);
    const spa = await db.query.clients.findFirst({
      where: (c, { and, eq }) => and(eq(c.realmId, realm?.id ?? ""), eq(c.clientId, "spa")),
    });
    const account = await findServiceAccount(db, realm?.id ?? "", spa?.id ?? "");

    expect(await realmRolesOf(name, account?.id ?? "")).toContain("offline_access");
  });

  it("refuses a composite that names a role the realm does not have", async () => {
    const file = realmFile(unique("missing"), {
      roles: { realm: [{ name: "a", composite: true, composites: { realm: ["nope"] } }] },
    });

    expect(await refusal(file)).toBe(
      '$.roles.realm[0].composites.realm[0]: no realm role "nope" in this realm',
    );
  });

  it("refuses composite roles that form a cycle", async () => {
    const file = realmFile(unique("cycle"), {
      roles: {
        realm: [
          { name: "a", composites: { realm: ["b"] } },
          { name: "b", composites: { client: { spa: ["c"] } } },
        ],
        client: { spa: [{ name: "c", composites: { realm: ["a"] } }] },
      },
    });

    expect(await refusal(file)).toMatch(/^\$\.roles: composite roles form a cycle: (a|b|c) → /);
  });

  it("refuses client roles of a client the realm does not have", async () => {
    const file = realmFile(unique("ghost"), { roles: { client: { ghost: [{ name: "x" }] } } });

    expect(await refusal(file)).toBe('$.roles.client.ghost[0]: no client "ghost" in this realm');
  });

  it("refuses a role defined twice in one container", async () => {
    const file = realmFile(unique("twice"), { roles: { realm: [{ name: "a" }, { name: "a" }] } });

    expect(await refusal(file)).toBe('$.roles.realm[1].name: "a" is defined twice');
  });

  it("refuses a user in a group the realm does not have", async () => {
    const file = realmFile(unique("nogroup"), {
      users: [{ email: "lin@example.com", groups: ["/nowhere"] }],
    });

    expect(await refusal(file)).toBe('$.users[0].groups[0]: no group "/nowhere"');
  });

  it("refuses a default group the realm does not have", async () => {
    const file = realmFile(unique("nodefault"), { defaultGroups: ["/missing"] });

    expect(await refusal(file)).toBe('$.defaultGroups[0]: no group "/missing" in this realm');
  });

  it("refuses two groups with one path", async () => {
    const file = realmFile(unique("dupgroup"), { groups: [{ name: "x" }, { name: "x" }] });

    expect(await refusal(file)).toBe('$.groups[1].name: the group "/x" is defined twice');
  });

  it("refuses a scope mapping for a client the realm does not have", async () => {
    const file = realmFile(unique("noscope"), {
      scopeMappings: [{ client: "ghost", roles: ["offline_access"] }],
    });

    expect(await refusal(file)).toBe('$.scopeMappings[0].client: no client "ghost" in this realm');
  });
});
