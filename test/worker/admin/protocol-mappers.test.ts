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

type MapperRep = { id: string; name: string; protocolMapper: string; config: object };

const tier = {
  name: "tier",
  protocol: "openid-connect",
  protocolMapper: "oidc-hardcoded-claim-mapper",
  config: {
    "claim.name": "shop.tier",
    "claim.value": "gold",
    "jsonType.label": "String",
    "access.token.claim": "true",
  },
};

async function setup() {
  const realm = await seedAdminRealm();
  const token = await masterAdminToken();
  const client = await clientUuid(realm.name, "cli");
  return {
    realm,
    token,
    base: `/${realm.name}`,
    clientMappers: `/${realm.name}/clients/${client}/protocol-mappers/models`,
    client,
  };
}

function adaToken(realm: string) {
  return passwordToken(realm, "cli", "ada", USER_PASSWORD).then(decodeJwt);
}

describe("admin API protocol mappers (Keycloak's ProtocolMapperRepresentation)", () => {
  it("adds a client's own mapper, which shows up in its access tokens", async () => {
    const { realm, token, clientMappers } = await setup();
    await recordAdminEvents(realm.name, token);

    const id = createdId(await adminSend("POST", clientMappers, token, tier));
    expect((await adaToken(realm.name)).shop).toEqual({ tier: "gold" });
    const read = (await (await adminFetch(`${clientMappers}/${id}`, token)).json()) as MapperRep;
    expect(read).toMatchObject({ id, name: "tier", protocolMapper: "oidc-hardcoded-claim-mapper" });
    const list = await adminFetch(clientMappers, token);
    expect(await list.json()).toEqual([expect.objectContaining({ id })]);
    expect(await adminEventKinds(realm.name)).toContainEqual(["CREATE", "PROTOCOL_MAPPER"]);
  });

  it("changes and removes a mapper, and the tokens follow", async () => {
    const { realm, token, clientMappers } = await setup();
    const id = createdId(await adminSend("POST", clientMappers, token, tier));

    const silver = { ...tier, config: { ...tier.config, "claim.value": "silver" } };
    expect((await adminSend("PUT", `${clientMappers}/${id}`, token, silver)).status).toBe(204);
    expect((await adaToken(realm.name)).shop).toEqual({ tier: "silver" });
    expect((await adminFetch(`${clientMappers}/${id}`, token, { method: "DELETE" })).status).toBe(
      204,
    );
    expect((await adaToken(realm.name)).shop).toBeUndefined();
    expect((await adminFetch(`${clientMappers}/${id}`, token)).status).toBe(404);
  });

  it("adds a mapper to a realm scope, applied to clients that have the scope", async () => {
    const { realm, token, base, client } = await setup();
    const scope = createdId(
      await adminSend("POST", `${base}/client-scopes`, token, { name: "shop" }),
    );
    const mappers = `${base}/client-scopes/${scope}/protocol-mappers/models`;
    const attribute = {
      name: "dept",
      protocolMapper: "oidc-usermodel-property-mapper",
      config: { "claim.name": "login", "user.attribute": "username", "access.token.claim": "true" },
    };
    createdId(await adminSend("POST", mappers, token, attribute));
    expect((await adaToken(realm.name)).login).toBeUndefined();

    const link = `${base}/clients/${client}/default-client-scopes/${scope}`;
    expect((await adminFetch(link, token, { method: "PUT" })).status).toBe(204);
    expect((await adaToken(realm.name)).login).toBe("ada");
    const listed = (await (await adminFetch(mappers, token)).json()) as MapperRep[];
    expect(listed.map((mapper) => mapper.name)).toEqual(["dept"]);
  });

  it("refuses an unknown mapper type with 400 naming it", async () => {
    const { token, clientMappers } = await setup();

    const response = await adminSend("POST", clientMappers, token, {
      ...tier,
      protocolMapper: "oidc-script-based-protocol-mapper",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errorMessage: expect.stringContaining("oidc-script-based-protocol-mapper"),
    });
    expect(await (await adminFetch(clientMappers, token)).json()).toEqual([]);
  });

  it("checks each mapper's config", async () => {
    const { token, clientMappers } = await setup();
    const refused = async (body: unknown, words: string) => {
      const response = await adminSend("POST", clientMappers, token, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errorMessage: expect.stringContaining(words) });
    };

    await refused({ ...tier, config: { ...tier.config, "claim.name": "sub" } }, "reserved");
    await refused({ ...tier, config: { ...tier.config, "jsonType.label": "long" } }, "claim.value");
    await refused(
      { ...tier, config: { ...tier.config, "access.token.claim": "yes" } },
      "access.token.claim",
    );
    await refused(
      { name: "aud", protocolMapper: "oidc-audience-mapper", config: {} },
      "included.client.audience",
    );
    await refused(
      {
        name: "p",
        protocolMapper: "oidc-usermodel-property-mapper",
        config: { "claim.name": "p", "user.attribute": "password" },
      },
      "user.attribute",
    );
    await refused(
      {
        name: "r",
        protocolMapper: "oidc-usermodel-client-role-mapper",
        config: { "claim.name": "r", "usermodel.clientRoleMapping.clientId": "ghost" },
      },
      "ghost",
    );
  });

  it("keeps mapper names unique per owner (409) and answers 404 for unknown owners", async () => {
    const { token, base, clientMappers } = await setup();
    createdId(await adminSend("POST", clientMappers, token, tier));

    expect((await adminSend("POST", clientMappers, token, tier)).status).toBe(409);
    const scope = createdId(await adminSend("POST", `${base}/client-scopes`, token, { name: "x" }));
    const scopeMappers = `${base}/client-scopes/${scope}/protocol-mappers/models`;
    expect((await adminSend("POST", scopeMappers, token, tier)).status).toBe(201);
    const unknownClient = `${base}/clients/nope/protocol-mappers/models`;
    expect((await adminSend("POST", unknownClient, token, tier)).status).toBe(404);
    const unknownScope = `${base}/client-scopes/nope/protocol-mappers/models`;
    expect((await adminFetch(unknownScope, token)).status).toBe(404);
  });

  it("shows built-in scopes with no stored mappers and refuses adding any", async () => {
    const { token, base } = await setup();
    const builtIn = `${base}/client-scopes/profile/protocol-mappers/models`;

    expect(await (await adminFetch(builtIn, token)).json()).toEqual([]);
    const response = await adminSend("POST", builtIn, token, tier);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errorMessage: expect.stringContaining("built-in"),
    });
  });

  it("adds several mappers at once, all or none, and lists them by protocol", async () => {
    const { token, clientMappers } = await setup();
    const addModels = clientMappers.replace(/models$/, "add-models");
    const other = { ...tier, name: "tier2", config: { ...tier.config, "claim.name": "t2" } };

    const broken = [other, { ...tier, protocolMapper: "oidc-nope" }];
    expect((await adminSend("POST", addModels, token, broken)).status).toBe(400);
    expect(await (await adminFetch(clientMappers, token)).json()).toEqual([]);
    expect((await adminSend("POST", addModels, token, [tier, tier])).status).toBe(409);
    expect((await adminSend("POST", addModels, token, [tier, other])).status).toBe(204);
    const byProtocol = clientMappers.replace(/models$/, "protocol/openid-connect");
    const listed = (await (await adminFetch(byProtocol, token)).json()) as MapperRep[];
    expect(listed.map((mapper) => mapper.name)).toEqual(["tier", "tier2"]);
    const saml = clientMappers.replace(/models$/, "protocol/saml");
    expect(await (await adminFetch(saml, token)).json()).toEqual([]);
  });

  it("asks view-clients to read mappers and manage-clients to change them", async () => {
    const realm = await seedAdminRealm(["view-clients"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    const client = await clientUuid(realm.name, "cli");
    const mappers = `/${realm.name}/clients/${client}/protocol-mappers/models`;

    expect((await adminFetch(mappers, token)).status).toBe(200);
    expect((await adminSend("POST", mappers, token, tier)).status).toBe(403);
  });
});
