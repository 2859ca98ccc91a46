import { runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { findRealmByName } from "../../../src/db/realms";
import { webhookDeliveries } from "../../../src/db/schema";
import type { Send } from "../../../src/webhooks/attempt";
import { deliverDue } from "../../../src/webhooks/deliver-due";
import { listDeliveries } from "../../../src/webhooks/endpoints";
import { adminFetch, adminSend, bootstrapMaster } from "../support/admin";
import { eventually } from "../support/events";
import { adminWith, createWebhook, HOOK } from "../support/webhook-admin";
import { db, delivery, expectedSignature, queueLogin, workerEnv } from "../webhooks/support";

beforeAll(bootstrapMaster);

/** A realm, ada's manage-events token, an endpoint made through the API, and the realm row. */
async function endpointThroughApi() {
  const { realm, token } = await adminWith(["manage-events"]);
  // LOGOUT only: the LOGIN of ada's token requests never queues a message here.
  const created = await createWebhook(realm, token, { url: HOOK, eventTypes: ["LOGOUT"] });
  const row = await findRealmByName(db, realm);
  if (!row) throw new Error("realm missing");
  return { realm, token, created, row, path: `/${realm}/webhooks/${created.id}` };
}

interface Message {
  id: string;
  signatures: string[];
  body: string;
  headers: Record<string, string>;
}

/** A receiver that records each message and the signatures it carries. */
function receiver(answer = 204) {
  const received: Message[] = [];
  const send: Send = async (request) => {
    const body = await request.text();
    const headers = Object.fromEntries(request.headers);
    const signatures = (headers["webhook-signature"] ?? "").split(" ");
    received.push({ id: headers["webhook-id"] ?? "", signatures, body, headers });
    return new Response(null, { status: answer });
  };
  return { received, send };
}

/** Whether one of the message's signatures is the HMAC under `secret` (timestamps aside). */
async function signedBy(secret: string, message: Message | undefined): Promise<boolean> {
  if (!message) return false;
  const { id, headers, body, signatures } = message;
  const timestamp = headers["webhook-timestamp"] ?? "";
  return signatures.includes(await expectedSignature(secret, id, timestamp, body));
}

const run = (endpointId: string, send: Send, now = Date.now()) =>
  deliverDue(workerEnv, db, endpointId, { now, send, allowPrivate: false });

describe("webhook admin API: delivery log and redelivery", () => {
  it("lists an endpoint's deliveries newest first, with paging", async () => {
    const { token, created, row, path } = await endpointThroughApi();
    const now = Date.now();
    const older = await queueLogin(row, created.id, now - 2_000);
    const newer = await queueLogin(row, created.id, now - 1_000);

    const response = await adminFetch(`${path}/deliveries`, token);
    expect(response.status).toBe(200);
    const log = (await response.json()) as Record<string, unknown>[];
    expect(log.map((d) => d.id)).toEqual([newer.id, older.id]);
    expect(log[0]).toEqual({
      id: newer.id,
      eventId: newer.event.id,
      eventType: "LOGIN",
      status: "pending",
      attempts: 0,
      nextAttemptTimestamp: now - 1_000,
      createdTimestamp: now - 1_000,
    });
    const second = await adminFetch(`${path}/deliveries?first=1&max=1`, token);
    expect(((await second.json()) as { id: string }[]).map((d) => d.id)).toEqual([older.id]);
    const bad = await adminFetch(`${path}/deliveries?max=x`, token);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errorMessage: "Invalid max" });
  });

  it("shows each attempt's outcome in the log", async () => {
    const { token, created, row, path } = await endpointThroughApi();
    const now = Date.now();
    await queueLogin(row, created.id, now);
    await run(created.id, receiver(503).send, now);

    const [entry] = (await (await adminFetch(`${path}/deliveries`, token)).json()) as unknown[];
    expect(entry).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatus: 503,
      lastError: "HTTP 503",
      lastAttemptTimestamp: now,
      nextAttemptTimestamp: now + 5_000,
    });
  });

  it("redelivers a message that gave up: sent again under the same webhook-id", async () => {
    const { token, created, row, path } = await endpointThroughApi();
    const { id } = await queueLogin(row, created.id, Date.now());
    await db
      .update(webhookDeliveries)
      .set({ status: "failed", attempts: 8, nextAttemptAt: null, lastError: "HTTP 500" })
      .where(eq(webhookDeliveries.id, id));

    const response = await adminFetch(`${path}/deliveries/${id}/redeliver`, token, {
      method: "POST",
    });
    expect(response.status).toBe(204);
    // The dispatcher's alarm took it up at once (hooks.invalid does not resolve, so it failed).
    const attempted = await eventually(async () => {
      const now = await delivery(id);
      return now.attempts === 1 ? now : undefined;
    });
    expect(attempted.status).toBe("pending");

    // Its retry reaches a receiver that verifies it under the endpoint's secret.
    const { received, send } = receiver();
    await run(created.id, send, Date.now() + 60_000);
    expect(received.map((m) => m.id)).toEqual([id]);
    expect(await signedBy(created.secret, received[0])).toBe(true);
    expect(await delivery(id)).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("refuses to redeliver an unknown delivery (404) or to a disabled endpoint (409)", async () => {
    const { token, created, row, path } = await endpointThroughApi();
    const other = await createWebhook(row.name, token, { url: HOOK, eventTypes: ["LOGOUT"] });
    const theirs = await queueLogin(row, other.id, Date.now());
    const ours = await queueLogin(row, created.id, Date.now());
    const post = (deliveryId: string) =>
      adminFetch(`${path}/deliveries/${deliveryId}/redeliver`, token, { method: "POST" });

    for (const deliveryId of ["msg_nope", theirs.id]) {
      const response = await post(deliveryId);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: "Delivery not found" });
    }
    await adminSend("PUT", path, token, { enabled: false });
    const disabled = await post(ours.id);
    expect(disabled.status).toBe(409);
    expect(await disabled.json()).toMatchObject({
      errorMessage: "Webhook is disabled; enable it first",
    });
    expect(await delivery(ours.id)).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("lets only manage-events redeliver", async () => {
    const reader = await adminWith(["view-events"]);
    const response = await adminFetch(
      `/${reader.realm}/webhooks/x/deliveries/y/redeliver`,
      reader.token,
      {
        method: "POST",
      },
    );
    expect(response.status).toBe(403);
  });
});

describe("webhook admin API: secret rotation", () => {
  it("shows a new secret once; both sign for 24 hours, then only the new one", async () => {
    const { token, created, row, path } = await endpointThroughApi();
    const response = await adminFetch(`${path}/secret`, token, { method: "POST" });
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as Record<string, unknown>;
    const fresh = String(rotated.secret);
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(created.secret);
    const read = (await (await adminFetch(path, token)).json()) as Record<string, unknown>;
    expect(read.secret).toBeUndefined();
    expect(read.previousSecretExpiresTimestamp).toBeGreaterThan(Date.now() + 23 * 3600_000);

    const now = Date.now();
    const { received, send } = receiver();
    await queueLogin(row, created.id, now);
    await run(created.id, send, now);
    const [during] = received;
    expect(during?.signatures).toHaveLength(2);
    expect(await signedBy(created.secret, during)).toBe(true);
    expect(await signedBy(fresh, during)).toBe(true);
    // A Standard Webhooks receiver accepts it under either secret.
    for (const secret of [created.secret, fresh]) {
      expect(() =>
        new Webhook(secret).verify(during?.body ?? "", during?.headers ?? {}),
      ).not.toThrow();
    }

    const later = now + 25 * 3600_000;
    await queueLogin(row, created.id, later);
    await run(created.id, send, later);
    const after = received[1];
    expect(after?.signatures).toHaveLength(1);
    expect(await signedBy(fresh, after)).toBe(true);
    expect(await signedBy(created.secret, after)).toBe(false);
  });

  it("refuses rotation to view-events and for an unknown endpoint", async () => {
    const reader = await adminWith(["view-events"]);
    const path = `/${reader.realm}/webhooks/nope/secret`;
    expect((await adminFetch(path, reader.token, { method: "POST" })).status).toBe(403);
    const { token, realm } = await endpointThroughApi();
    const missing = await adminFetch(`/${realm}/webhooks/nope/secret`, token, { method: "POST" });
    expect(missing.status).toBe(404);
  });
});

describe("webhook admin API: deleting an endpoint", () => {
  it("removes its queued deliveries, so the dispatcher sends nothing afterwards", async () => {
    const { token, created, row, path } = await endpointThroughApi();
    const now = Date.now();
    await queueLogin(row, created.id, now);

    expect((await adminFetch(path, token, { method: "DELETE" })).status).toBe(204);
    expect(await listDeliveries(db, created.id)).toEqual([]);
    const { received, send } = receiver();
    expect(await run(created.id, send, now)).toBeNull();
    expect(received).toEqual([]);
    expect((await adminFetch(path, token)).status).toBe(404);
    expect((await adminFetch(`${path}/deliveries`, token)).status).toBe(404);
  });

  it("leaves its dispatcher with no alarm and nothing stored", async () => {
    const { token, created, path } = await endpointThroughApi();
    const namespace = workerEnv.WEBHOOK_DISPATCHER;
    const dispatcher = namespace.get(namespace.idFromName(created.id));
    await runInDurableObject(dispatcher, async (_, state) => {
      await state.storage.put("endpoint", created.id);
      await state.storage.setAlarm(Date.now() + 3_600_000);
    });

    expect((await adminFetch(path, token, { method: "DELETE" })).status).toBe(204);
    const left = await runInDurableObject(dispatcher, async (_, state) => ({
      alarm: await state.storage.getAlarm(),
      keys: [...(await state.storage.list()).keys()],
    }));
    expect(left).toEqual({ alarm: null, keys: [] });
  });

  it("stops a dispatcher run already under way before its next message", async () => {
    const { token, created, row, path } = await endpointThroughApi();
    const now = Date.now();
    await queueLogin(row, created.id, now - 1);
    await queueLogin(row, created.id, now);

    const received: string[] = [];
    const send: Send = async (request) => {
      received.push(request.headers.get("webhook-id") ?? "");
      // The operator deletes the endpoint while its first message is on the wire.
      expect((await adminFetch(path, token, { method: "DELETE" })).status).toBe(204);
      return new Response(null, { status: 204 });
    };
    expect(await run(created.id, send, now)).toBeNull();
    expect(received).toHaveLength(1);
  });
});
