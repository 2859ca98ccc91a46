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
import { USER_PASSWORD } from "../support/realm";

beforeAll(bootstrapMaster);

type RoleRep = {
  id: string;
  name: string;
  clientRole: boolean;
  composite: boolean;
  containerId: string;
};

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

const names = (roles: { name: string }[]) => roles.map((role) => role.name);

/** A realm whose `cli` client has the roles `reader` and `writer`, and the user ada's id. */
async function setup() {
  const realm = await seedAdminRealm();
  const token = await masterAdminToken();
  const base = `/${realm.name}`;
  const [cli] = await json<{ id: string }[]>(
    await adminFetch(`${base}/clients?clientId=cli`, token),
  );
  const [ada] = await json<{ id: string }[]>(await adminFetch(`${base}/users?username=ada`, token));
  const roles = `${base}/clients/${cli?.id}/roles`;
  for (const name of ["reader", "writer"]) {
    expect((await adminSend("POST", roles, token, { name })).status).toBe(201);
  }
  return { realm, token, base, cliId: cli?.id ?? "", adaId: ada?.id ?? "", roles };
}

describe("admin API client roles (one implementation with realm roles)", () => {
  it("creates, lists, reads, renames and deletes a client role", async () => {
    const { token, roles, cliId } = await setup();
    const created = await adminSend("POST", roles, token, { name: "auditor" });
    expect(created.headers.get("location")).toMatch(new RegExp(`/clients/${cliId}/roles/auditor$`));
    expect((await adminSend("POST", roles, token, { name: "auditor" })).status).toBe(409);
    expect((await adminSend("POST", roles, token, { name: "" })).status).toBe(400);

    const listed = await json<RoleRep[]>(await adminFetch(roles, token));
    expect(names(listed)).toEqual(["auditor", "reader", "writer"]);
    const auditor = await json<RoleRep>(await adminFetch(`${roles}/auditor`, token));
    expect(auditor).toMatchObject({ clientRole: true, containerId: cliId });

    const renamed = await adminSend("PUT", `${roles}/auditor`, token, { name: "inspector" });
    expect(renamed.status).toBe(204);
    expect((await adminFetch(`${roles}/auditor`, token)).status).toBe(404);
    expect((await adminSend("PUT", `${roles}/inspector`, token, { name: "reader" })).status).toBe(
      409,
    );
    expect((await adminFetch(`${roles}/inspector`, token, { method: "DELETE" })).status).toBe(204);
    expect((await adminFetch(`${roles}/inspector`, token)).status).toBe(404);
  });

  it("keeps a client's roles apart from the realm's roles of the same name", async () => {
    const { token, base, roles } = await setup();
    expect((await adminSend("POST", `${base}/roles`, token, { name: "reader" })).status).toBe(201);
    const realmReader = await json<RoleRep>(await adminFetch(`${base}/roles/reader`, token));
    const clientReader = await json<RoleRep>(await adminFetch(`${roles}/reader`, token));
    expect(realmReader.id).not.toBe(clientReader.id);
    const byId = await json<RoleRep>(
      await adminFetch(`${base}/roles-by-id/${clientReader.id}`, token),
    );
    expect(byId.clientRole).toBe(true);
  });

  it("answers 404 for the roles of an unknown client", async () => {
    const { token, base } = await setup();
    const missing = await adminFetch(`${base}/clients/no-such-client/roles`, token);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "Could not find client" });
  });

  it("makes a client role composite of realm and client roles, refusing cycles", async () => {
    const { token, base, roles } = await setup();
    await adminSend("POST", `${base}/roles`, token, { name: "staff" });
    const staff = await json<RoleRep>(await adminFetch(`${base}/roles/staff`, token));
    const reader = await json<RoleRep>(await adminFetch(`${roles}/reader`, token));
    const composites = `${roles}/writer/composites`;
    const added = await adminSend("POST", composites, token, [
      { id: staff.id },
      { name: "reader" },
    ]);
    expect(added.status).toBe(204);
    expect(names(await json<RoleRep[]>(await adminFetch(composites, token)))).toEqual([
      "reader",
      "staff",
    ]);
    expect((await json<RoleRep>(await adminFetch(`${roles}/writer`, token))).composite).toBe(true);

    const cycle = await adminSend("POST", `${roles}/reader/composites`, token, [
      { name: "writer" },
    ]);
    expect(cycle.status).toBe(400);
    const unknown = await adminSend("POST", composites, token, [{ name: "nobody" }]);
    expect(unknown.status).toBe(404);

    const removed = await adminSend("DELETE", composites, token, [{ id: reader.id }]);
    expect(removed.status).toBe(204);
    expect(names(await json<RoleRep[]>(await adminFetch(composites, token)))).toEqual(["staff"]);
  });

  it("maps client roles to a user, shows them in every view, and puts them in tokens", async () => {
    const { realm, token, base, cliId, adaId, roles } = await setup();
    const mapping = `${base}/users/${adaId}/role-mappings/clients/${cliId}`;
    expect(names(await json<RoleRep[]>(await adminFetch(`${mapping}/available`, token)))).toEqual([
      "reader",
      "writer",
    ]);
    expect((await adminSend("POST", mapping, token, [{ name: "writer" }])).status).toBe(204);
    await adminSend("POST", `${roles}/writer/composites`, token, [{ name: "reader" }]);

    expect(names(await json<RoleRep[]>(await adminFetch(mapping, token)))).toEqual(["writer"]);
    const composite = await json<RoleRep[]>(await adminFetch(`${mapping}/composite`, token));
    expect(names(composite)).toEqual(["reader", "writer"]);
    expect(await json<RoleRep[]>(await adminFetch(`${mapping}/available`, token))).toEqual([]);
    const users = await json<{ username: string }[]>(
      await adminFetch(`${roles}/writer/users`, token),
    );
    expect(names(users.map((user) => ({ name: user.username })))).toEqual(["ada"]);

    const all = await json<{ realmMappings: RoleRep[]; clientMappings: Record<string, unknown> }>(
      await adminFetch(`${base}/users/${adaId}/role-mappings`, token),
    );
    // Keycloak leaves out an empty part of the MappingsRepresentation.
    expect(all.realmMappings).toBeUndefined();
    expect(all.clientMappings).toEqual({
      cli: { id: cliId, client: "cli", mappings: [expect.objectContaining({ name: "writer" })] },
    });
    const claims = decodeJwt(await passwordToken(realm.name, "cli", "ada", USER_PASSWORD));
    expect(claims.resource_access).toMatchObject({ cli: { roles: ["reader", "writer"] } });

    expect((await adminSend("DELETE", mapping, token, [{ name: "writer" }])).status).toBe(204);
    expect(await json<RoleRep[]>(await adminFetch(mapping, token))).toEqual([]);
  });

  it("refuses to map a role the client does not have, or a realm role, to a user", async () => {
    const { token, base, cliId, adaId } = await setup();
    const mapping = `${base}/users/${adaId}/role-mappings/clients/${cliId}`;
    expect((await adminSend("POST", mapping, token, [{ name: "nobody" }])).status).toBe(404);
    const offline = await json<RoleRep>(await adminFetch(`${base}/roles/offline_access`, token));
    expect((await adminSend("POST", mapping, token, [{ id: offline.id }])).status).toBe(404);
    expect((await adminSend("POST", mapping, token, { name: "reader" })).status).toBe(400);
    const unknownUser = `${base}/users/nobody/role-mappings/clients/${cliId}`;
    expect((await adminSend("POST", unknownUser, token, [{ name: "reader" }])).status).toBe(404);
  });

  it("maps client roles to a group, whose members get them", async () => {
    const { realm, token, base, cliId, adaId } = await setup();
    const group = await adminSend("POST", `${base}/groups`, token, { name: "readers" });
    const groupId = (group.headers.get("location") ?? "").split("/").at(-1);
    const mapping = `${base}/groups/${groupId}/role-mappings/clients/${cliId}`;
    expect((await adminSend("POST", mapping, token, [{ name: "reader" }])).status).toBe(204);
    expect(names(await json<RoleRep[]>(await adminFetch(mapping, token)))).toEqual(["reader"]);
    expect(names(await json<RoleRep[]>(await adminFetch(`${mapping}/available`, token)))).toEqual([
      "writer",
    ]);
    await adminFetch(`${base}/users/${adaId}/groups/${groupId}`, token, { method: "PUT" });

    const userView = `${base}/users/${adaId}/role-mappings/clients/${cliId}/composite`;
    expect(names(await json<RoleRep[]>(await adminFetch(userView, token)))).toEqual(["reader"]);
    const claims = decodeJwt(await passwordToken(realm.name, "cli", "ada", USER_PASSWORD));
    expect(claims.resource_access).toMatchObject({ cli: { roles: ["reader"] } });

    expect((await adminSend("DELETE", mapping, token, [{ name: "reader" }])).status).toBe(204);
    expect(await json<RoleRep[]>(await adminFetch(mapping, token))).toEqual([]);
  });

  it("needs view-users to read role mappings and manage-users to change them", async () => {
    const realm = await seedAdminRealm(["view-users", "view-clients"]);
    const viewer = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    const base = `/${realm.name}`;
    const [cli] = await json<{ id: string }[]>(
      await adminFetch(`${base}/clients?clientId=cli`, viewer),
    );
    const [ada] = await json<{ id: string }[]>(
      await adminFetch(`${base}/users?username=ada`, viewer),
    );
    const mapping = `${base}/users/${ada?.id}/role-mappings/clients/${cli?.id}`;
    expect((await adminFetch(mapping, viewer)).status).toBe(200);
    expect((await adminSend("POST", mapping, viewer, [])).status).toBe(403);
    const roles = `${base}/clients/${cli?.id}/roles`;
    expect((await adminFetch(roles, viewer)).status).toBe(200);
    expect((await adminSend("POST", roles, viewer, { name: "x" })).status).toBe(403);
  });
});

describe("admin API scope mappings of a client (Keycloak's Scope tab)", () => {
  it("limits a client without the full scope to its scope mappings", async () => {
    const { realm, token, base, cliId, adaId, roles } = await setup();
    await adminSend("POST", `${base}/roles`, token, { name: "staff" });
    await adminSend("POST", `${base}/users/${adaId}/role-mappings/realm`, token, [
      { name: "staff" },
    ]);
    const spaId = (
      await json<{ id: string }[]>(await adminFetch(`${base}/clients?clientId=spa`, token))
    )[0]?.id;
    await adminSend("POST", `/${realm.name}/clients/${spaId}/roles`, token, { name: "viewer" });
    await adminSend("POST", `${base}/users/${adaId}/role-mappings/clients/${spaId}`, token, [
      { name: "viewer" },
    ]);
    expect(
      (await adminSend("PUT", `${base}/clients/${cliId}`, token, { fullScopeAllowed: false }))
        .status,
    ).toBe(204);

    const realmScope = `${base}/clients/${cliId}/scope-mappings/realm`;
    const spaScope = `${base}/clients/${cliId}/scope-mappings/clients/${spaId}`;
    expect((await adminSend("POST", realmScope, token, [{ name: "staff" }])).status).toBe(204);
    expect((await adminSend("POST", spaScope, token, [{ name: "viewer" }])).status).toBe(204);
    expect(names(await json<RoleRep[]>(await adminFetch(realmScope, token)))).toEqual(["staff"]);
    expect(names(await json<RoleRep[]>(await adminFetch(spaScope, token)))).toEqual(["viewer"]);
    expect((await adminSend("POST", spaScope, token, [{ name: "staff" }])).status).toBe(404);

    const claims = decodeJwt(await passwordToken(realm.name, "cli", "ada", USER_PASSWORD));
    expect((claims.realm_access as { roles: string[] }).roles).toEqual(["staff"]);
    expect(claims.resource_access).toMatchObject({ spa: { roles: ["viewer"] } });

    expect((await adminSend("DELETE", realmScope, token, [{ name: "staff" }])).status).toBe(204);
    expect(await json<RoleRep[]>(await adminFetch(realmScope, token))).toEqual([]);
    const after = decodeJwt(await passwordToken(realm.name, "cli", "ada", USER_PASSWORD));
    expect(after.realm_access).toBeUndefined();
    expect(roles).toContain(cliId);
  });
});
