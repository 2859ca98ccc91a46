import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { listAdminEvents } from "../../../src/events/queries";
import {
  adminFetch,
  adminSend,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { ORIGIN, USER_PASSWORD } from "../support/realm";
import { realmId } from "../support/store";

beforeAll(bootstrapMaster);

type UserRep = { id: string; username: string; email?: string; attributes?: unknown };

async function createdId(response: Response): Promise<string> {
  expect(response.status).toBe(201);
  return (response.headers.get("location") ?? "").split("/").at(-1) ?? "";
}

/** User attributes adding up to well over 256 KiB. */
function bulk(keys: number): Record<string, string[]> {
  const values = Array.from({ length: 20 }, () => "v".repeat(100));
  return Object.fromEntries(Array.from({ length: keys }, (_, i) => [`key${i}`, values]));
}

async function setup() {
  const realm = await seedAdminRealm();
  const token = await masterAdminToken();
  const users = `/${realm.name}/users`;
  return { realm, token, users };
}

describe("admin API users (Keycloak's UserRepresentation)", () => {
  it("creates a user with a password who can then sign in, and reads them back", async () => {
    const { realm, token, users } = await setup();

    const response = await adminSend("POST", users, token, {
      username: "grace",
      email: "grace@example.com",
      firstName: "Grace",
      enabled: true,
      attributes: { team: ["navy"] },
      credentials: [{ type: "password", value: "grace-password-1", temporary: false }],
      unknownField: "ignored",
    });
    const id = await createdId(response);

    const user = (await (await adminFetch(`${users}/${id}`, token)).json()) as UserRep;
    expect(user).toMatchObject({ id, username: "grace", email: "grace@example.com" });
    await expect(passwordToken(realm.name, "cli", "grace", "grace-password-1")).resolves.toEqual(
      expect.any(String),
    );
  });

  it("searches by substring, exact username, email and attribute, and counts", async () => {
    const { token, users } = await setup();
    await adminSend("POST", users, token, { username: "grace", attributes: { team: ["navy"] } });
    await adminSend("POST", users, token, { username: "gracie" });

    const names = async (query: string) =>
      ((await (await adminFetch(`${users}?${query}`, token)).json()) as UserRep[]).map(
        (user) => user.username,
      );
    expect(await names("search=grac")).toEqual(["grace", "gracie"]);
    expect(await names("username=grace&exact=true")).toEqual(["grace"]);
    expect(await names("email=ada@example.com")).toEqual(["ada"]);
    expect(await names("q=team:navy")).toEqual(["grace"]);
    expect(await names("search=grac&first=1&max=1")).toEqual(["gracie"]);
    expect(await (await adminFetch(`${users}/count?search=grac`, token)).json()).toBe(2);
  });

  it("refuses a duplicate username with 409", async () => {
    const { token, users } = await setup();

    const response = await adminSend("POST", users, token, { username: "ada" });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ errorMessage: "User exists with same username" });
  });

  it("refuses invalid representations with 400 and a message naming the field", async () => {
    const { token, users } = await setup();

    const badEmail = await adminSend("POST", users, token, { username: "x", email: "nope" });
    expect(badEmail.status).toBe(400);
    expect(((await badEmail.json()) as { errorMessage: string }).errorMessage).toContain("email");
    expect((await adminSend("POST", users, token, { firstName: "x" })).status).toBe(400);
    const temporary = await adminSend("POST", users, token, {
      username: "y",
      credentials: [{ type: "password", value: "p", temporary: true }],
    });
    expect(temporary.status).toBe(400);
    const notJson = await adminFetch(users, token, { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
    expect((await adminFetch(`${users}?q=novalue`, token)).status).toBe(400);
    expect((await adminFetch(`${users}?max=-1`, token)).status).toBe(400);
  });

  it("refuses a body that is not an object with zod's message, said once", async () => {
    const { token, users } = await setup();

    const response = await adminSend("POST", users, token, [1, 2]);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errorMessage: string }).errorMessage).toBe(
      "Invalid input: expected object, received array",
    );
  });

  it("refuses a body over 256 KiB with 413 before reading it, writing nothing", async () => {
    const { token, users } = await setup();
    const attributes = { note: ["x".repeat(2000)], ...bulk(200) };

    const response = await adminSend("POST", users, token, { username: "huge", attributes });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "The body is larger than 256 KiB." });
    const search = await adminFetch(`${users}?username=huge&exact=true`, token);
    expect(await search.json()).toEqual([]);
  });

  it("updates, resets the password of, and deletes a user", async () => {
    const { realm, token, users } = await setup();
    const id = await createdId(await adminSend("POST", users, token, { username: "grace" }));

    expect((await adminSend("PUT", `${users}/${id}`, token, { lastName: "Hopper" })).status).toBe(
      204,
    );
    const short = { type: "password", value: "x", temporary: false };
    const refused = await adminSend("PUT", `${users}/${id}/reset-password`, token, short);
    expect(refused.status).toBe(400);
    const reset = { type: "password", value: "new-password-2", temporary: false };
    expect((await adminSend("PUT", `${users}/${id}/reset-password`, token, reset)).status).toBe(
      204,
    );
    await expect(passwordToken(realm.name, "cli", "grace", "new-password-2")).resolves.toBeTruthy();
    const updated = (await (await adminFetch(`${users}/${id}`, token)).json()) as UserRep;
    expect(updated).toMatchObject({ lastName: "Hopper" });

    expect((await adminFetch(`${users}/${id}`, token, { method: "DELETE" })).status).toBe(204);
    const gone = await adminFetch(`${users}/${id}`, token);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: "User not found" });
  });

  it("maps realm roles directly and shows them expanded under composite", async () => {
    const { realm, token, users } = await setup();
    const id = await createdId(await adminSend("POST", users, token, { username: "grace" }));
    const mappings = `${users}/${id}/role-mappings/realm`;

    expect((await adminSend("POST", mappings, token, [{ name: "offline_access" }])).status).toBe(
      204,
    );
    const direct = (await (await adminFetch(mappings, token)).json()) as { name: string }[];
    expect(direct.map((role) => role.name)).toContain("offline_access");
    const composite = (await (await adminFetch(`${mappings}/composite`, token)).json()) as {
      name: string;
    }[];
    expect(composite.map((role) => role.name)).toContain(`default-roles-${realm.name}`);
    expect((await adminSend("POST", mappings, token, [{ name: "nope" }])).status).toBe(404);
    expect((await adminSend("DELETE", mappings, token, [{ name: "offline_access" }])).status).toBe(
      204,
    );
  });

  it("reads and clears a user's brute-force status", async () => {
    const { realm, token, users } = await setup();
    const [ada] = (await (await adminFetch(`${users}?username=ada`, token)).json()) as UserRep[];
    await passwordToken(realm.name, "cli", "ada", "wrong").catch(() => undefined);
    const path = `/${realm.name}/attack-detection/brute-force/users/${ada?.id}`;

    expect(await (await adminFetch(path, token)).json()).toMatchObject({
      numFailures: 1,
      disabled: false,
    });
    expect((await adminFetch(path, token, { method: "DELETE" })).status).toBe(204);
    expect(await (await adminFetch(path, token)).json()).toMatchObject({ numFailures: 0 });
  });

  it("records an admin event for each change when the realm enables them", async () => {
    const { realm, token, users } = await setup();
    await adminSend("PUT", `/${realm.name}`, token, { adminEventsEnabled: true });
    await adminSend("POST", users, token, { username: "grace" });

    const stored = await listAdminEvents(database(env.DB), await realmId(realm.name));
    expect(stored.map((event) => [event.operationType, event.resourceType])).toContainEqual([
      "CREATE",
      "USER",
    ]);
    const listed = await adminFetch(`/${realm.name}/admin-events?operationTypes=CREATE`, token);
    expect(listed.status).toBe(200);
    expect((await adminFetch(`/${realm.name}/events?dateFrom=yesterday`, token)).status).toBe(400);
  });

  it("lists a user's sessions and signs them all out, ending their tokens", async () => {
    const { realm, token, users } = await setup();
    const [ada] = (await (await adminFetch(`${users}?username=ada`, token)).json()) as UserRep[];
    const adaToken = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    const userinfo = `${ORIGIN}/realms/${realm.name}/protocol/openid-connect/userinfo`;
    const headers = { authorization: `Bearer ${adaToken}` };
    expect((await SELF.fetch(userinfo, { headers })).status).toBe(200);

    const listed = (await (await adminFetch(`${users}/${ada?.id}/sessions`, token)).json()) as {
      userId: string;
    }[];
    expect(listed).toEqual([expect.objectContaining({ userId: ada?.id })]);
    const logout = await adminFetch(`${users}/${ada?.id}/logout`, token, { method: "POST" });
    expect(logout.status).toBe(204);
    expect(await (await adminFetch(`${users}/${ada?.id}/sessions`, token)).json()).toEqual([]);
    expect((await SELF.fetch(userinfo, { headers })).status).toBe(401);
  });
});
