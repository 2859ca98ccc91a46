import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { adminEvents } from "../../../src/db/schema";
import { adminFetch, adminSend, bootstrapMaster } from "../support/admin";
import { Browser } from "../support/browser";
import { eventsOf, eventually, settle } from "../support/events";
import { authorizeUrl, signIn, spaRequest } from "../support/oidc";
import { realmId } from "../support/store";
import { adminWith } from "../support/webhook-admin";
import { db } from "../webhooks/support";

beforeAll(bootstrapMaster);

/** Signs ada in at the realm's spa client, which emits LOGIN. */
async function signInTo(realm: string) {
  const { params } = await spaRequest();
  const oidc = `https://id.example/realms/${realm}/protocol/openid-connect`;
  expect((await signIn(new Browser(), authorizeUrl(oidc, params))).status).toBe(302);
}

const config = (realm: string, token: string) =>
  adminFetch(`/${realm}/events/config`, token).then((r) => r.json());

describe("realm events config (Keycloak's RealmEventsConfigRepresentation)", () => {
  it("reads the realm's settings, Keycloak's defaults included", async () => {
    const { realm, token } = await adminWith(["view-events"], { adminEventsEnabled: false });

    expect(await config(realm, token)).toEqual({
      eventsEnabled: false,
      eventsListeners: [],
      enabledEventTypes: [],
      adminEventsEnabled: false,
      adminEventsDetailsEnabled: true,
    });
  });

  it("updates the settings with manage-events; fields left out keep their values", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    const rep = {
      eventsEnabled: true,
      eventsExpiration: 3600,
      eventsListeners: ["jboss-logging"],
      enabledEventTypes: ["LOGIN", "LOGOUT", "LOGIN"],
      adminEventsEnabled: false,
    };

    expect((await adminSend("PUT", `/${realm}/events/config`, token, rep)).status).toBe(204);
    expect(await config(realm, token)).toEqual({
      eventsEnabled: true,
      eventsExpiration: 3600,
      eventsListeners: [],
      enabledEventTypes: ["LOGIN", "LOGOUT"],
      adminEventsEnabled: false,
      adminEventsDetailsEnabled: true,
    });
    const cleared = { enabledEventTypes: [], eventsExpiration: 0 };
    expect((await adminSend("PUT", `/${realm}/events/config`, token, cleared)).status).toBe(204);
    expect(await config(realm, token)).toMatchObject({
      eventsEnabled: true,
      enabledEventTypes: [],
    });
    expect(await config(realm, token)).not.toHaveProperty("eventsExpiration");
  });

  it("answers 400 naming an unknown event type or listener, and changes nothing", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    const put = (body: unknown) => adminSend("PUT", `/${realm}/events/config`, token, body);

    const unknownType = await put({ eventsEnabled: true, enabledEventTypes: ["LOGIN", "NOPE"] });
    expect(unknownType.status).toBe(400);
    expect(await unknownType.json()).toMatchObject({
      errorMessage: 'enabledEventTypes.1: "NOPE" is not an event type Latchkey knows',
    });
    const unknownListener = await put({ eventsListeners: ["email"] });
    expect(unknownListener.status).toBe(400);
    expect(await unknownListener.json()).toMatchObject({
      errorMessage: 'eventsListeners.0: "email" is not an event listener Latchkey has',
    });
    expect((await put({ eventsExpiration: -1 })).status).toBe(400);
    expect((await put({ eventsEnabled: "yes" })).status).toBe(400);
    expect(await config(realm, token)).toMatchObject({
      eventsEnabled: false,
      enabledEventTypes: [],
    });
  });

  it("lets view-events read but not change, and refuses other roles with 403", async () => {
    const reader = await adminWith(["view-events"]);
    const outsider = await adminWith(["manage-users"]);

    const put = await adminSend("PUT", `/${reader.realm}/events/config`, reader.token, {
      eventsEnabled: true,
    });
    expect(put.status).toBe(403);
    expect(await put.json()).toMatchObject({ error: "HTTP 403 Forbidden" });
    for (const path of ["events", "admin-events"]) {
      const response = await adminFetch(`/${reader.realm}/${path}`, reader.token, {
        method: "DELETE",
      });
      expect(response.status).toBe(403);
    }
    expect((await adminFetch(`/${outsider.realm}/events/config`, outsider.token)).status).toBe(403);
  });

  it("changes what gets recorded: only the enabled types, with their expiry", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    const put = (body: unknown) => adminSend("PUT", `/${realm}/events/config`, token, body);

    await put({ eventsEnabled: true, enabledEventTypes: ["LOGOUT"] });
    await signInTo(realm);
    await settle(300);
    expect(await eventsOf(realm, "LOGIN")).toEqual([]);

    await put({ enabledEventTypes: [], eventsExpiration: 600 });
    await signInTo(realm);
    const [login] = await eventually(async () => {
      const rows = await eventsOf(realm, "LOGIN");
      return rows.length > 0 ? rows : undefined;
    });
    expect(login?.expiresAt).toBe(Math.floor((login?.time ?? 0) / 1000) + 600);

    await put({ eventsEnabled: false });
    await signInTo(realm);
    await settle(300);
    expect(await eventsOf(realm, "LOGIN")).toHaveLength(1);
  });
});

describe("clearing a realm's events", () => {
  it("deletes the realm's events, and no other realm's", async () => {
    const { realm, token } = await adminWith(["manage-events"], { eventsEnabled: true });
    const other = await adminWith(["manage-events"], { eventsEnabled: true });
    // adminWith signed ada in with a password grant in both realms: a LOGIN each.
    await eventually(async () =>
      (await eventsOf(other.realm, "LOGIN")).length ? true : undefined,
    );
    await eventually(async () => ((await eventsOf(realm, "LOGIN")).length ? true : undefined));

    const response = await adminFetch(`/${realm}/events`, token, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(await eventsOf(realm, "LOGIN")).toEqual([]);
    expect(await eventsOf(other.realm, "LOGIN")).toHaveLength(1);
  });

  it("deletes the admin events, leaving only the record of who cleared them", async () => {
    const { realm, token } = await adminWith(["manage-events"]);
    await adminSend("PUT", `/${realm}/events/config`, token, { eventsEnabled: true });
    const id = await realmId(realm);
    const stored = () => db.select().from(adminEvents).where(eq(adminEvents.realmId, id));
    await eventually(async () => ((await stored()).length > 0 ? true : undefined));

    const response = await adminFetch(`/${realm}/admin-events`, token, { method: "DELETE" });
    expect(response.status).toBe(204);
    const [left, ...more] = await eventually(async () => {
      const rows = await stored();
      return rows.length === 1 && rows[0]?.resourcePath === "admin-events" ? rows : undefined;
    });
    expect(more).toEqual([]);
    expect(left).toMatchObject({ operationType: "DELETE", resourceType: "REALM" });
  });
});

describe("the realm's own PUT honours the event settings", () => {
  it("sets eventsExpiration and enabledEventTypes, and refuses unknown types", async () => {
    const { realm, token } = await adminWith(["manage-realm", "view-events"]);

    const update = { eventsEnabled: true, eventsExpiration: 86400, enabledEventTypes: ["LOGIN"] };
    expect((await adminSend("PUT", `/${realm}`, token, update)).status).toBe(204);
    expect(await config(realm, token)).toMatchObject(update);
    expect(await (await adminFetch(`/${realm}`, token)).json()).toMatchObject(update);

    const bad = await adminSend("PUT", `/${realm}`, token, {
      displayName: "Changed",
      enabledEventTypes: ["NOPE"],
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      errorMessage: 'enabledEventTypes.0: "NOPE" is not an event type Latchkey knows',
    });
    const read = (await (await adminFetch(`/${realm}`, token)).json()) as Record<string, unknown>;
    expect(read.displayName).not.toBe("Changed");
    expect(read.enabledEventTypes).toEqual(["LOGIN"]);
  });
});
