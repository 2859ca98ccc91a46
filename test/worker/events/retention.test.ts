import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { dataAccess, events, webhookDeliveries } from "../../../src/db/schema";
import { buildEvent } from "../../../src/events/record";
import { DELIVERY_LOG_SECONDS } from "../../../src/events/retention";
import { eventRow } from "../../../src/events/store";
import worker from "../../../src/index";
import { Browser } from "../support/browser";
import { storedEvent } from "../support/events";
import { authorizeUrl, signIn, spaRequest } from "../support/oidc";
import { seedRealm } from "../support/realm";
import { queueLogin, realmWithEndpoint } from "../webhooks/support";

const db = database((env as unknown as Env).DB);

describe("event retention (Keycloak's eventsExpiration)", () => {
  it("fixes each event's expiry from the realm's eventsExpiration when it is stored", async () => {
    const realm = await seedRealm({ eventsEnabled: true, eventsExpiration: 3600 });
    const { params } = await spaRequest();
    await signIn(new Browser(), authorizeUrl(realm.oidc, params));

    const event = await storedEvent(realm.name, "LOGIN");
    expect(event.expiresAt).toBe(Math.floor(event.time / 1000) + 3600);
  });

  it("keeps events forever when the realm sets no expiration", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const { params } = await spaRequest();
    await signIn(new Browser(), authorizeUrl(realm.oidc, params));
    expect((await storedEvent(realm.name, "LOGIN")).expiresAt).toBeNull();
  });

  it("lets the scheduled handler delete expired events and keep the others", async () => {
    const { name } = await seedRealm({ eventsEnabled: true, eventsExpiration: 60 });
    const realm = await findRealmByName(db, name);
    if (!realm) throw new Error("realm missing");
    const old = buildEvent(realm, "LOGIN", {}, undefined, Date.now() - 120_000);
    const fresh = buildEvent(realm, "LOGOUT", {}, undefined, Date.now());
    await db.insert(events).values([eventRow(realm, old), eventRow(realm, fresh)]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);

    const left = await db.select().from(events).where(eq(events.realmId, realm.id));
    expect(left.map((e) => e.type)).toEqual(["LOGOUT"]);
  });

  it("deletes expired access records and old finished delivery logs", async () => {
    const { realm, endpoint } = await realmWithEndpoint("https://hooks.example.com/x");
    const now = Date.now();
    const old = now - (DELIVERY_LOG_SECONDS + 60) * 1000;
    const done = await queueLogin(realm, endpoint.id, old);
    const waiting = await queueLogin(realm, endpoint.id, old);
    await db
      .update(webhookDeliveries)
      .set({ status: "delivered" })
      .where(eq(webhookDeliveries.id, done.id));
    const user = await db.query.users.findFirst({ where: (u, { eq }) => eq(u.realmId, realm.id) });
    const record = { realmId: realm.id, userId: user?.id ?? "", accessor: "client" as const };
    const claims = ["sub"];
    await db.insert(dataAccess).values([
      { ...record, id: "expired", time: old, action: "USER_INFO_REQUEST", claims, expiresAt: 1 },
      { ...record, id: "live", time: now, action: "USER_INFO_REQUEST", claims, expiresAt: 2 ** 40 },
    ]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);

    const deliveries = await db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(deliveries).toEqual([{ id: waiting.id }]);
    const records = await db
      .select({ id: dataAccess.id })
      .from(dataAccess)
      .where(eq(dataAccess.realmId, realm.id));
    expect(records).toEqual([{ id: "live" }]);
  });
});
