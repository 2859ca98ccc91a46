import { beforeAll, describe, expect, it } from "vitest";
import {
  adminFetch,
  adminSend,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import {
  adminEventKinds,
  clientScopeLists,
  clientUuid,
  createdId,
  recordAdminEvents,
} from "../support/admin-scopes";
import { SPA_REDIRECT, seedRealm, USER_PASSWORD } from "../support/realm";

beforeAll(bootstrapMaster);

type ScopeRep = {
  id: string;
  name: string;
  description?: string;
  attributes: Record<string, string>;
  protocolMappers: unknown[];
};

async function setup() {
  const realm = await seedAdminRealm();
  return { realm, token: await masterAdminToken(), base: `/${realm.name}` };
}

const shop = {
  name: "shop",
  description: "Shop access",
  protocol: "openid-connect",
  attributes: { "include.in.token.scope": "false", "consent.screen.text": "Your orders" },
};

describe("admin API client scopes (Keycloak's ClientScopeRepresentation)", () => {
  it("lists the built-in scopes by name, read-only", async () => {
    const { token, base } = await setup();

    const list = (await (await adminFetch(`${base}/client-scopes`, token)).json()) as ScopeRep[];
    expect(list.map((scope) => scope.id)).toEqual(
      expect.arrayContaining(["profile", "email", "roles", "offline_access"]),
    );
    expect(list.find((scope) => scope.name === "email")).toMatchObject({
      id: "email",
      attributes: { "include.in.token.scope": "true" },
    });
    const put = await adminSend("PUT", `${base}/client-scopes/email`, token, { name: "email" });
    expect(put.status).toBe(400);
    expect(await put.json()).toMatchObject({ errorMessage: expect.stringContaining("built-in") });
    const del = await adminFetch(`${base}/client-scopes/profile`, token, { method: "DELETE" });
    expect(del.status).toBe(400);
  });

  it("creates, reads, updates and deletes a realm scope, recording admin events", async () => {
    const { realm, token, base } = await setup();
    await recordAdminEvents(realm.name, token);

    const id = createdId(await adminSend("POST", `${base}/client-scopes`, token, shop));
    const read = (await (
      await adminFetch(`${base}/client-scopes/${id}`, token)
    ).json()) as ScopeRep;
    expect(read).toMatchObject({
      id,
      name: "shop",
      description: "Shop access",
      attributes: { "include.in.token.scope": "false", "consent.screen.text": "Your orders" },
      protocolMappers: [],
    });

    const update = { ...shop, attributes: { "include.in.token.scope": "true" } };
    expect((await adminSend("PUT", `${base}/client-scopes/${id}`, token, update)).status).toBe(204);
    const updated = await (await adminFetch(`${base}/client-scopes/${id}`, token)).json();
    expect(updated).toMatchObject({ attributes: { "include.in.token.scope": "true" } });
    expect((updated as ScopeRep).attributes["consent.screen.text"]).toBeUndefined();

    const del = await adminFetch(`${base}/client-scopes/${id}`, token, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect((await adminFetch(`${base}/client-scopes/${id}`, token)).status).toBe(404);
    expect(await adminEventKinds(realm.name)).toEqual(
      expect.arrayContaining([
        ["CREATE", "CLIENT_SCOPE"],
        ["UPDATE", "CLIENT_SCOPE"],
        ["DELETE", "CLIENT_SCOPE"],
      ]),
    );
  });

  it("refuses a taken name with 409 and a bad one with 400", async () => {
    const { token, base } = await setup();
    createdId(await adminSend("POST", `${base}/client-scopes`, token, shop));

    expect((await adminSend("POST", `${base}/client-scopes`, token, shop)).status).toBe(409);
    const builtIn = await adminSend("POST", `${base}/client-scopes`, token, { name: "profile" });
    expect(builtIn.status).toBe(409);
    const spaced = await adminSend("POST", `${base}/client-scopes`, token, { name: "a b" });
    expect(spaced.status).toBe(400);
    expect(await spaced.json()).toMatchObject({ errorMessage: expect.stringContaining("name") });
    const saml = await adminSend("POST", `${base}/client-scopes`, token, {
      name: "s",
      protocol: "saml",
    });
    expect(saml.status).toBe(400);
    const hidden = await adminSend("POST", `${base}/client-scopes`, token, {
      name: "h",
      attributes: { "display.on.consent.screen": "false" },
    });
    expect(hidden.status).toBe(400);
    expect((await adminFetch(`${base}/client-scopes/nope`, token)).status).toBe(404);
  });

  it("creates a scope with mappers in one step and refuses an unknown mapper type", async () => {
    const { token, base } = await setup();
    const mapper = {
      name: "tier",
      protocol: "openid-connect",
      protocolMapper: "oidc-hardcoded-claim-mapper",
      config: { "claim.name": "tier", "claim.value": "gold", "access.token.claim": "true" },
    };

    const id = createdId(
      await adminSend("POST", `${base}/client-scopes`, token, {
        ...shop,
        protocolMappers: [mapper],
      }),
    );
    const read = (await (
      await adminFetch(`${base}/client-scopes/${id}`, token)
    ).json()) as ScopeRep;
    expect(read.protocolMappers).toEqual([expect.objectContaining({ name: "tier" })]);
    const unknown = await adminSend("POST", `${base}/client-scopes`, token, {
      name: "other",
      protocolMappers: [{ ...mapper, protocolMapper: "oidc-script-mapper" }],
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      errorMessage: expect.stringContaining("oidc-script-mapper"),
    });
    const list = (await (await adminFetch(`${base}/client-scopes`, token)).json()) as ScopeRep[];
    expect(list.some((scope) => scope.name === "other")).toBe(false);
  });

  it("links a scope to a client, renames it there too, and refuses deleting it", async () => {
    const { realm, token, base } = await setup();
    const id = createdId(await adminSend("POST", `${base}/client-scopes`, token, shop));
    const client = await clientUuid(realm.name, "cli");
    const link = `${base}/clients/${client}/optional-client-scopes/${id}`;

    expect((await adminFetch(link, token, { method: "PUT" })).status).toBe(204);
    const optional = await adminFetch(`${base}/clients/${client}/optional-client-scopes`, token);
    expect(await optional.json()).toContainEqual({ id, name: "shop" });
    const rename = { ...shop, name: "store" };
    expect((await adminSend("PUT", `${base}/client-scopes/${id}`, token, rename)).status).toBe(204);
    expect((await clientScopeLists(realm.name, "cli"))?.optional).toContain("store");

    const del = await adminFetch(`${base}/client-scopes/${id}`, token, { method: "DELETE" });
    expect(del.status).toBe(400);
    expect(await del.json()).toMatchObject({ errorMessage: expect.stringContaining("in use") });
  });

  it("moves a scope between a client's default and optional lists and unlinks it", async () => {
    const { realm, token, base } = await setup();
    const client = await clientUuid(realm.name, "cli");
    const scopes = `${base}/clients/${client}`;

    expect(
      (await adminFetch(`${scopes}/default-client-scopes/phone`, token, { method: "PUT" })).status,
    ).toBe(204);
    const lists = await clientScopeLists(realm.name, "cli");
    expect(lists?.default).toContain("phone");
    expect(lists?.optional).not.toContain("phone");
    const removed = await adminFetch(`${scopes}/default-client-scopes/email`, token, {
      method: "DELETE",
    });
    expect(removed.status).toBe(204);
    expect((await clientScopeLists(realm.name, "cli"))?.default).not.toContain("email");
    const claims = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    expect(JSON.parse(atob(claims.split(".")[1] ?? "")).email).toBeUndefined();

    const unknownScope = await adminFetch(`${scopes}/default-client-scopes/nope`, token, {
      method: "PUT",
    });
    expect(unknownScope.status).toBe(404);
    const unknownClient = await adminFetch(`${base}/clients/nope/default-client-scopes`, token);
    expect(unknownClient.status).toBe(404);
  });

  it("keeps the realm's default scopes for new clients", async () => {
    const { token, base } = await setup();
    const id = createdId(await adminSend("POST", `${base}/client-scopes`, token, shop));

    const put = await adminFetch(`${base}/default-default-client-scopes/${id}`, token, {
      method: "PUT",
    });
    expect(put.status).toBe(204);
    const defaults = await adminFetch(`${base}/default-default-client-scopes`, token);
    expect(await defaults.json()).toContainEqual({ id, name: "shop" });
    const optional = await adminFetch(`${base}/default-optional-client-scopes/phone`, token, {
      method: "DELETE",
    });
    expect(optional.status).toBe(204);
    const after = (await (
      await adminFetch(`${base}/default-optional-client-scopes`, token)
    ).json()) as { name: string }[];
    expect(after.map((scope) => scope.name)).toEqual(["address", "offline_access"]);
    expect(
      (await adminFetch(`${base}/client-scopes/${id}`, token, { method: "DELETE" })).status,
    ).toBe(204);
    const gone = (await (
      await adminFetch(`${base}/default-default-client-scopes`, token)
    ).json()) as {
      name: string;
    }[];
    expect(gone.map((scope) => scope.name)).not.toContain("shop");
  });

  it("imports the realm's default scopes and gives them to clients without their own", async () => {
    const realm = await seedRealm({
      defaultDefaultClientScopes: ["profile", "not-a-scope"],
      defaultOptionalClientScopes: ["email"],
      clients: [{ clientId: "plain", publicClient: true, redirectUris: [SPA_REDIRECT] }],
    });
    const token = await masterAdminToken();

    const defaults = await adminFetch(`/${realm.name}/default-default-client-scopes`, token);
    expect(await defaults.json()).toEqual([{ id: "profile", name: "profile" }]);
    expect(await clientScopeLists(realm.name, "plain")).toEqual({
      default: ["profile"],
      optional: ["email"],
    });
  });

  it("refuses two mappers of one name in a new scope", async () => {
    const { token, base } = await setup();
    const mapper = {
      name: "same",
      protocolMapper: "oidc-hardcoded-claim-mapper",
      config: { "claim.name": "a", "claim.value": "b" },
    };

    const response = await adminSend("POST", `${base}/client-scopes`, token, {
      name: "twice",
      protocolMappers: [mapper, mapper],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errorMessage: expect.stringContaining("same name"),
    });
  });

  it("asks view-clients to read scopes and manage-clients to change them", async () => {
    const realm = await seedAdminRealm(["view-clients"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    const base = `/${realm.name}`;

    expect((await adminFetch(`${base}/client-scopes`, token)).status).toBe(200);
    expect((await adminSend("POST", `${base}/client-scopes`, token, shop)).status).toBe(403);
    const realmDefault = await adminFetch(`${base}/default-default-client-scopes/phone`, token, {
      method: "PUT",
    });
    expect(realmDefault.status).toBe(403);
  });
});
