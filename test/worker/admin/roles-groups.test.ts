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

async function createdId(response: Response): Promise<string> {
  expect(response.status).toBe(201);
  return (response.headers.get("location") ?? "").split("/").at(-1) ?? "";
}

async function setup() {
  const realm = await seedAdminRealm();
  return { realm, token: await masterAdminToken(), base: `/${realm.name}` };
}

describe("admin API roles and groups (Keycloak's role and group representations)", () => {
  it("gives a user a role through a group, and the access token carries it", async () => {
    const { realm, token, base } = await setup();
    await createdId(await adminSend("POST", `${base}/roles`, token, { name: "editor" }));
    const groupId = await createdId(
      await adminSend("POST", `${base}/groups`, token, { name: "staff" }),
    );
    const mapping = `${base}/groups/${groupId}/role-mappings/realm`;
    expect((await adminSend("POST", mapping, token, [{ name: "editor" }])).status).toBe(204);
    const [ada] = (await (await adminFetch(`${base}/users?username=ada`, token)).json()) as {
      id: string;
    }[];
    expect(
      (await adminFetch(`${base}/users/${ada?.id}/groups/${groupId}`, token, { method: "PUT" }))
        .status,
    ).toBe(204);

    const members = (await (
      await adminFetch(`${base}/groups/${groupId}/members`, token)
    ).json()) as {
      username: string;
    }[];
    expect(members.map((member) => member.username)).toEqual(["ada"]);
    const claims = decodeJwt(await passwordToken(realm.name, "cli", "ada", USER_PASSWORD));
    expect((claims.realm_access as { roles: string[] }).roles).toContain("editor");
  });

  it("lists the group tree with children", async () => {
    const { token, base } = await setup();
    const parent = await createdId(await adminSend("POST", `${base}/groups`, token, { name: "a" }));
    await createdId(
      await adminSend("POST", `${base}/groups/${parent}/children`, token, { name: "b" }),
    );

    const groups = (await (await adminFetch(`${base}/groups`, token)).json()) as unknown[];
    expect(groups).toEqual([
      expect.objectContaining({
        name: "a",
        path: "/a",
        subGroups: [expect.objectContaining({ path: "/a/b" })],
      }),
    ]);
    expect((await adminSend("POST", `${base}/groups`, token, { name: "a/b" })).status).toBe(400);
    expect((await adminSend("POST", `${base}/groups`, token, { name: "a" })).status).toBe(409);
  });

  it("refuses a composite that would contain itself", async () => {
    const { token, base } = await setup();
    await adminSend("POST", `${base}/roles`, token, { name: "outer" });
    await adminSend("POST", `${base}/roles`, token, { name: "inner" });
    expect(
      (await adminSend("POST", `${base}/roles/outer/composites`, token, [{ name: "inner" }]))
        .status,
    ).toBe(204);

    const cycle = await adminSend("POST", `${base}/roles/inner/composites`, token, [
      { name: "outer" },
    ]);
    expect(cycle.status).toBe(400);
    const outer = (await (await adminFetch(`${base}/roles/outer`, token)).json()) as {
      id: string;
      composite: boolean;
    };
    expect(outer.composite).toBe(true);
    expect((await adminFetch(`${base}/roles-by-id/${outer.id}`, token)).status).toBe(200);
  });

  it("answers 409 for a taken role name, 400 for none, 404 for an unknown role", async () => {
    const { token, base } = await setup();

    expect(
      (await adminSend("POST", `${base}/roles`, token, { name: "offline_access" })).status,
    ).toBe(409);
    expect((await adminSend("POST", `${base}/roles`, token, { description: "x" })).status).toBe(
      400,
    );
    expect((await adminFetch(`${base}/roles/nope`, token)).status).toBe(404);
    expect((await adminFetch(`${base}/roles/nope`, token, { method: "DELETE" })).status).toBe(404);
  });
});
