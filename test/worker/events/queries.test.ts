import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { events } from "../../../src/db/schema";
import { recordAdminEvent, withoutSecrets } from "../../../src/events/admin-events";
import { listAdminEvents, listEvents } from "../../../src/events/queries";
import { buildEvent } from "../../../src/events/record";
import { eventRow } from "../../../src/events/store";
import { seedRealm } from "../support/realm";

const db = database((env as unknown as Env).DB);

async function loadRealm(settings: Record<string, unknown> = {}) {
  const { name } = await seedRealm({ eventsEnabled: true, ...settings });
  const realm = await findRealmByName(db, name);
  if (!realm) throw new Error("realm missing");
  return realm;
}

describe("listing events with Keycloak's filters (GET /admin/realms/{realm}/events)", () => {
  it("filters by type, client, user, address and date, newest first, paged", async () => {
    const realm = await loadRealm();
    const at = (minutes: number) => 1_800_000_000_000 + minutes * 60_000;
    const rows = [
      buildEvent(realm, "LOGIN", { clientId: "spa", userId: "u1" }, "198.51.100.1", at(1)),
      buildEvent(realm, "LOGIN_ERROR", { clientId: "spa", userId: "u2" }, "198.51.100.2", at(2)),
      buildEvent(realm, "CODE_TO_TOKEN", { clientId: "app", userId: "u1" }, "198.51.100.1", at(3)),
      buildEvent(realm, "LOGOUT", { userId: "u1" }, "198.51.100.3", at(4)),
    ];
    for (const row of rows) await db.insert(events).values(eventRow(realm, row));
    const types = async (filter: Parameters<typeof listEvents>[2]) =>
      (await listEvents(db, realm.id, filter)).map((e) => e.type);

    expect(await types({})).toEqual(["LOGOUT", "CODE_TO_TOKEN", "LOGIN_ERROR", "LOGIN"]);
    expect(await types({ type: ["LOGIN", "LOGOUT"] })).toEqual(["LOGOUT", "LOGIN"]);
    expect(await types({ client: "spa" })).toEqual(["LOGIN_ERROR", "LOGIN"]);
    expect(await types({ user: "u1" })).toEqual(["LOGOUT", "CODE_TO_TOKEN", "LOGIN"]);
    expect(await types({ ipAddress: "198.51.100.1" })).toEqual(["CODE_TO_TOKEN", "LOGIN"]);
    expect(await types({ dateFrom: at(2), dateTo: at(3) })).toEqual([
      "CODE_TO_TOKEN",
      "LOGIN_ERROR",
    ]);
    expect(await types({ first: 1, max: 2 })).toEqual(["CODE_TO_TOKEN", "LOGIN_ERROR"]);
  });

  it("never lists another realm's events", async () => {
    const realm = await loadRealm();
    const other = await loadRealm();
    await db.insert(events).values(eventRow(other, buildEvent(other, "LOGIN", {}, undefined)));
    expect(await listEvents(db, realm.id)).toEqual([]);
  });
});

describe("admin events (Keycloak's AdminEventRepresentation)", () => {
  const change = {
    operationType: "UPDATE" as const,
    resourceType: "CLIENT",
    resourcePath: "clients/abc",
    authUserId: "admin-1",
    ipHeader: "2001:db8:1234:5678::1",
    representation: { clientId: "app", secret: "s3cr3t", attributes: { "jwks.string": "x" } },
  };

  it("stores the representation without secrets when the realm asks for details", async () => {
    const realm = await loadRealm({ adminEventsEnabled: true, adminEventsDetailsEnabled: true });
    await recordAdminEvent(db, realm, change);

    const [event] = await listAdminEvents(db, realm.id, { operationTypes: ["UPDATE"] });
    expect(event).toMatchObject({ resourceType: "CLIENT", authUserId: "admin-1" });
    expect(JSON.parse(event?.representation ?? "{}")).toEqual({
      clientId: "app",
      attributes: { "jwks.string": "x" },
    });
    expect(event?.representation).not.toContain("s3cr3t");
    expect(await listAdminEvents(db, realm.id, { operationTypes: ["DELETE"] })).toEqual([]);
  });

  it("stores no representation without details, nothing with admin events off", async () => {
    const withoutDetails = await loadRealm({ adminEventsEnabled: true });
    await recordAdminEvent(db, withoutDetails, change);
    const [event] = await listAdminEvents(db, withoutDetails.id);
    expect(event?.representation).toBeNull();

    const off = await loadRealm();
    await recordAdminEvent(db, off, change);
    expect(await listAdminEvents(db, off.id)).toEqual([]);
  });

  it("truncates the administrator's address when the realm truncates addresses", async () => {
    const realm = await loadRealm({
      adminEventsEnabled: true,
      attributes: { eventsIpTruncation: "true" },
    });
    await recordAdminEvent(db, realm, change);
    const [event] = await listAdminEvents(db, realm.id, { authUser: "admin-1" });
    expect(event?.authIpAddress).toBe("2001:db8:1234::");
  });

  it("removes secret-named fields at any depth", () => {
    const rep = { users: [{ username: "a", credentials: [{ value: "pw" }], password: "pw" }] };
    expect(withoutSecrets(rep)).toEqual({ users: [{ username: "a" }] });
  });
});
