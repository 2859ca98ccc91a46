import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { clientScopes, clients } from "../../../src/db/schema";
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

describe("realm client scopes at import (Keycloak's ClientScopeRepresentation)", () => {
  it("stores a realm scope and lets clients name it as default or optional", async () => {
    const name = uniqueName("scopes");
    const file = realmFile(name, {
      clientScopes: [
        { name: "custom", attributes: { "include.in.token.scope": "false" } },
        { name: "profile", protocolMappers: [mapper("oidc-full-name-mapper", {})] },
        { name: "role_list", protocol: "saml" },
        {
          name: "microprofile-jwt",
          protocolMappers: [mapper("oidc-usermodel-realm-role-mapper", {})],
        },
      ],
      clients: [
        {
          clientId: "app",
          publicClient: true,
          defaultClientScopes: ["custom", "profile", "unknown-scope"],
          optionalClientScopes: ["role_list"],
        },
      ],
    });
    await importRealm(db, file);

    const realm = await findRealmByName(db, name);
    const scopes = await db
      .select()
      .from(clientScopes)
      .where(eq(clientScopes.realmId, realm?.id ?? ""));
    // Built-in, Keycloak-only and SAML scopes are skipped whole, their mappers unchecked.
    expect(scopes.map((scope) => [scope.name, scope.includeInTokenScope])).toEqual([
      ["custom", false],
    ]);
    const [app] = await db
      .select()
      .from(clients)
      .where(eq(clients.realmId, realm?.id ?? ""));
    expect(app?.defaultClientScopes).toEqual(["custom", "profile"]);
    expect(app?.optionalClientScopes).toEqual([]);
  });

  it("refuses a mapper type Latchkey does not apply, naming the mapper", async () => {
    const file = withScope(uniqueName("unknown"), mapper("oidc-script-mapper", {}, "my script"));

    const message = await refusal(file);
    expect(message).toMatch(/^\$\.clientScopes\[0\]\.protocolMappers\[0\]\.protocolMapper: /);
    expect(message).toContain('mapper "my script": protocolMapper "oidc-script-mapper" is not');
  });

  it("refuses a mapper that would set a reserved claim such as sub", async () => {
    const config = { "claim.name": "sub", "claim.value": "someone-else" };
    const file = withScope(uniqueName("reserved"), mapper("oidc-hardcoded-claim-mapper", config));

    expect(await refusal(file)).toMatch(/claim\.name "sub" is reserved/);
  });

  it("refuses a reserved claim under a dotted name too (aud.x)", async () => {
    const config = { "claim.name": "aud.x", "user.attribute": "country" };
    const file = withScope(uniqueName("dotted"), mapper("oidc-usermodel-attribute-mapper", config));

    expect(await refusal(file)).toMatch(/claim\.name "aud\.x" is reserved/);
  });

  it("refuses a jsonType.label Keycloak does not have", async () => {
    const config = { "claim.name": "n", "claim.value": "1", "jsonType.label": "float" };
    const file = withScope(uniqueName("json"), mapper("oidc-hardcoded-claim-mapper", config));

    expect(await refusal(file)).toMatch(/jsonType\.label "float" is not one of/);
  });

  it("refuses a hard-coded value that is not of its jsonType.label", async () => {
    const config = { "claim.name": "n", "claim.value": "many", "jsonType.label": "int" };
    const file = withScope(uniqueName("value"), mapper("oidc-hardcoded-claim-mapper", config));

    expect(await refusal(file)).toMatch(/claim\.value is not a int/);
  });

  it("refuses an audience mapper without an audience", async () => {
    const file = withScope(uniqueName("aud"), mapper("oidc-audience-mapper", {}));

    expect(await refusal(file)).toMatch(/needs included\.client\.audience/);
  });

  it("refuses a client's own mapper of an unknown type", async () => {
    const file = withClient(uniqueName("client-mapper"), {
      protocolMappers: [mapper("oidc-usersessionmodel-note-mapper", {}, "Client IP")],
    });

    expect(await refusal(file)).toMatch(
      /^\$\.clients\[0\]\.protocolMappers\[0\]\.protocolMapper: mapper "Client IP"/,
    );
  });

  it("refuses a scope name with a space, which no scope parameter could name", async () => {
    const file = realmFile(uniqueName("space"), { clientScopes: [{ name: "my scope" }] });

    expect(await refusal(file)).toMatch(/^\$\.clientScopes\[0\]\.name: must be a scope token/);
  });
});

describe("resource.indicators at import (RFC 8707 §2)", () => {
  it("stores the client's resources, split at ##", async () => {
    const name = uniqueName("resources");
    const resources = "https://api.example/##urn:example:ledger";
    await importRealm(db, withClient(name, { attributes: { "resource.indicators": resources } }));

    const realm = await findRealmByName(db, name);
    const [app] = await db
      .select()
      .from(clients)
      .where(eq(clients.realmId, realm?.id ?? ""));
    expect(app?.resourceIndicators).toEqual(["https://api.example/", "urn:example:ledger"]);
  });

  it("refuses a resource with a fragment", async () => {
    const attributes = { "resource.indicators": "https://api.example/#part" };
    const file = withClient(uniqueName("fragment"), { attributes });

    expect(await refusal(file)).toMatch(/is not an absolute URI without fragment/);
  });

  it("refuses a relative resource", async () => {
    const attributes = { "resource.indicators": "/api" };
    const file = withClient(uniqueName("relative"), { attributes });

    expect(await refusal(file)).toMatch(/"\/api" is not an absolute URI without fragment/);
  });
});
