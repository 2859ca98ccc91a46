import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { clientScopeScopeMappings, roles } from "../../../src/db/role-schema";
import { clientScopes } from "../../../src/db/schema";
import { exportRealm } from "../../../src/realm-export/export-realm";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { realmFile } from "./fixtures";

const db = database(env.DB);
const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

/** A realm file whose client scope `shop` maps a realm role and a `backend` role. */
function mappingFile(name: string, extra: Record<string, unknown> = {}) {
  return realmFile(name, {
    clientScopes: [{ name: "shop" }],
    roles: {
      realm: [{ name: "customer" }, { name: "admin" }],
      client: { backend: [{ name: "viewer" }] },
    },
    scopeMappings: [{ clientScope: "shop", roles: ["customer"] }],
    clientScopeMappings: { backend: [{ clientScope: "shop", roles: ["viewer"] }] },
    ...extra,
  });
}

/** The `scope/role` names of a realm's client scope mappings, sorted. */
async function storedMappings(realmName: string): Promise<string[]> {
  const realm = await findRealmByName(db, realmName);
  const rows = await db
    .select({ scope: clientScopes.name, role: roles.name })
    .from(clientScopeScopeMappings)
    .innerJoin(clientScopes, eq(clientScopes.id, clientScopeScopeMappings.scopeId))
    .innerJoin(roles, eq(roles.id, clientScopeScopeMappings.roleId))
    .where(eq(clientScopes.realmId, realm?.id ?? ""));
  return rows.map((row) => `${row.scope}/${row.role}`).sort();
}

/** The message importRealm refuses a file with, after checking nothing of it was written. */
async function refusal(file: { realm: string }): Promise<string> {
  const error = await importRealm(db, file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ImportError);
  expect(await findRealmByName(db, file.realm)).toBeUndefined();
  return (error as ImportError).message;
}

describe("client scopes' scope mappings in realm files (Keycloak's clientScope entries)", () => {
  it("imports realm and client roles mapped to a client scope", async () => {
    const name = unique("scope-roles");
    await importRealm(db, mappingFile(name));

    expect(await storedMappings(name)).toEqual(["shop/customer", "shop/viewer"]);
  });

  it("skips mappings of built-in scopes and of scopes Latchkey leaves out", async () => {
    const name = unique("built-in-mappings");
    const file = mappingFile(name, {
      scopeMappings: [
        { clientScope: "offline_access", roles: ["offline_access"] },
        { clientScope: "microprofile-jwt", roles: ["admin"] },
      ],
    });
    await importRealm(db, file);

    expect(await storedMappings(name)).toEqual(["shop/viewer"]);
  });

  it("refuses a mapping of a client scope the realm does not have, naming its path", async () => {
    const file = mappingFile(unique("ghost-scope"), {
      scopeMappings: [{ clientScope: "ghost", roles: ["customer"] }],
    });

    expect(await refusal(file)).toBe(
      '$.scopeMappings[0].clientScope: no client scope "ghost" in this realm',
    );
  });

  it("refuses a client scope mapping of an unknown realm or client role", async () => {
    const realmRole = mappingFile(unique("ghost-role"), {
      scopeMappings: [{ clientScope: "shop", roles: ["customer", "ghost"] }],
    });
    const clientRole = mappingFile(unique("ghost-client-role"), {
      clientScopeMappings: { backend: [{ clientScope: "shop", roles: ["ghost"] }] },
    });

    expect(await refusal(realmRole)).toBe(
      '$.scopeMappings[0].roles[1]: no realm role "ghost" in this realm',
    );
    expect(await refusal(clientRole)).toBe(
      '$.clientScopeMappings.backend[0].roles[0]: no role "ghost" of client "backend"',
    );
  });

  it("exports the mappings in Keycloak's shape, which imports back the same", async () => {
    const name = unique("scope-export");
    await importRealm(
      db,
      mappingFile(name, {
        scopeMappings: [
          { client: "spa", roles: ["admin"] },
          { clientScope: "shop", roles: ["customer", "admin"] },
        ],
      }),
    );
    const secrets = { keyEncryptionSecret: env.KEY_ENCRYPTION_SECRET };
    const options = { clients: true, groupsAndRoles: true, users: false, secrets };
    const realm = await findRealmByName(db, name);
    if (!realm) throw new Error("the realm was not imported");

    const { representation } = await exportRealm(db, realm, options);
    expect(representation.scopeMappings).toEqual([
      { client: "spa", roles: ["admin"] },
      { clientScope: "shop", roles: ["admin", "customer"] },
    ]);
    expect(representation.clientScopeMappings).toEqual({
      backend: [{ clientScope: "shop", roles: ["viewer"] }],
    });

    const copy = `${name}-copy`;
    await importRealm(db, { ...representation, realm: copy }, secrets);
    expect(await storedMappings(copy)).toEqual(await storedMappings(name));
  });
});
