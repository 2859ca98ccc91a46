import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { realmFile, withClient } from "./fixtures";

const db = database(env.DB);

let counter = 0;
const uniqueName = (base: string) => `${base}-${++counter}-${crypto.randomUUID().slice(0, 6)}`;

/** The message importRealm refuses a file with, after checking nothing of it was written. */
async function refusal(file: { realm: string }): Promise<string> {
  const error = await importRealm(db, file).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ImportError);
  expect(await findRealmByName(db, file.realm)).toBeUndefined();
  return (error as ImportError).message;
}

function mapper(protocolMapper: string, config: Record<string, string>, name = "m") {
  return { name, protocol: "openid-connect", protocolMapper, config };
}

function withScope(name: string, ...mappers: unknown[]) {
  return realmFile(name, { clientScopes: [{ name: "custom", protocolMappers: mappers }] });
}

const clientRoles = (clientId: string) =>
  mapper("oidc-usermodel-client-role-mapper", {
    "access.token.claim": "true",
    "usermodel.clientRoleMapping.clientId": clientId,
    "claim.name": "roles_of_client",
    multivalued: "true",
  });

describe("Keycloak's other mapper types at import", () => {
  it("stores property, group, realm role and client role mappers", async () => {
    const name = uniqueName("types");
    const file = withScope(
      name,
      mapper("oidc-usermodel-property-mapper", { "user.attribute": "email", "claim.name": "e" }),
      mapper("oidc-group-membership-mapper", { "full.path": "true", "claim.name": "groups" }),
      mapper("oidc-usermodel-realm-role-mapper", { "claim.name": "realm_access.roles" }),
      clientRoles("backend"),
    );
    await importRealm(db, file);

    expect(await findRealmByName(db, name)).toBeDefined();
  });

  it("refuses a user property mapper naming no property Latchkey has", async () => {
    const config = { "user.attribute": "mothersMaidenName", "claim.name": "m" };
    const file = withScope(uniqueName("prop"), mapper("oidc-usermodel-property-mapper", config));

    const message = await refusal(file);
    expect(message).toMatch(
      /^\$\.clientScopes\[0\]\.protocolMappers\[0\]\.config.*user\.attribute/,
    );
    expect(message).toMatch(/user\.attribute "mothersMaidenName" is not one of id, username/);
  });

  it("refuses a full.path that is not true or false", async () => {
    const config = { "full.path": "yes", "claim.name": "groups" };
    const file = withScope(uniqueName("path"), mapper("oidc-group-membership-mapper", config));

    expect(await refusal(file)).toMatch(/full\.path must be "true" or "false"/);
  });

  it("refuses an introspection.token.claim that is not true or false", async () => {
    const config = { "introspection.token.claim": "1", "claim.name": "r" };
    const file = withScope(uniqueName("intro"), mapper("oidc-usermodel-realm-role-mapper", config));

    expect(await refusal(file)).toMatch(/introspection\.token\.claim must be "true" or "false"/);
  });

  it("refuses a role mapper without claim.name", async () => {
    const file = withScope(uniqueName("noclaim"), mapper("oidc-usermodel-realm-role-mapper", {}));

    expect(await refusal(file)).toMatch(/needs claim\.name/);
  });

  it("refuses a scope's client role mapper naming a client the realm lacks", async () => {
    const file = withScope(uniqueName("scope-client"), clientRoles("payroll"));

    expect(await refusal(file)).toMatch(
      /^\$\.clientScopes\[0\]\.protocolMappers\[0\]\.config.*no client "payroll" in this realm/,
    );
  });

  it("refuses a client's own client role mapper naming a client the realm lacks", async () => {
    const file = withClient(uniqueName("own-client"), {
      protocolMappers: [clientRoles("payroll")],
    });

    expect(await refusal(file)).toMatch(
      /^\$\.clients\[0\]\.protocolMappers\[0\]\.config.*no client "payroll" in this realm/,
    );
  });
});
