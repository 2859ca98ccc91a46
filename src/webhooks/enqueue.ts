import { and, eq } from "drizzle-orm";
import type { Env } from "../config";
import type { Database } from "../db/client";
import { webhookDeliveries, webhookEndpoints } from "../db/schema";
import type { RecordedEvent } from "../events/catalogue";
import { endpointsFor } from "./endpoints";

/** The Standard Webhooks body: type, timestamp and the event as data. */
export function webhookPayload(event: RecordedEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: new Date(event.time).toISOString(),
    data: event,
  });
}

/** Wakes the endpoint's dispatcher, which delivers whatever is due. */
export async function wakeDispatcher(env: Env, endpointId: string): Promise<void> {
  const stub = env.WEBHOOK_DISPATCHER.get(env.WEBHOOK_DISPATCHER.idFromName(endpointId));
  await stub.schedule(endpointId);
}

/** Clears a deleted endpoint's dispatcher, so nothing of it is left behind. */
export async function forgetDispatcher(env: Env, endpointId: string): Promise<void> {
  const stub = env.WEBHOOK_DISPATCHER.get(env.WEBHOOK_DISPATCHER.idFromName(endpointId));
  await stub.forget();
}

/**
 * Queues a delivery of the event to every endpoint of its realm that takes its type, then
 * wakes their dispatchers. Each delivery is stored first, so none is lost if a wake fails.
 * TODO(webhook-endpoint-cache): one D1 read per event finds the endpoints; an isolate cache
 * would take it off busy realms, but the admin API can clear it only in the isolate that
 * served the change: others would keep queueing for a deleted or disabled endpoint until it
 * expired. A version stamp on the realm row (read with the realm, already cached) would close it.
 */
export async function enqueueWebhooks(env: Env, db: Database, event: RecordedEvent) {
  const endpoints = await endpointsFor(db, event.realmId, event.type);
  if (endpoints.length === 0) return;

  const payload = webhookPayload(event);
  const rows = endpoints.map((endpoint) => ({
    id: `msg_${crypto.randomUUID().replaceAll("-", "")}`,
    endpointId: endpoint.id,
    eventType: event.type,
    payload,
    status: "pending" as const,
    attempts: 0,
    nextAttemptAt: event.time,
    createdAt: event.time,
  }));
  const [first, ...rest] = rows.map((row) => db.insert(webhookDeliveries).values(row));
  if (first) await db.batch([first, ...rest]);
  await Promise.all(endpoints.map((endpoint) => wakeDispatcher(env, endpoint.id)));
}

/**
 * Sends a delivery again, whatever became of it: same message id (receivers deduplicate on
 * it), a fresh count of attempts. False when there is no such delivery or its endpoint is off.
 */
export async function redeliver(env: Env, db: Database, deliveryId: string, now = Date.now()) {
  const [delivery] = await db
    .select({ endpointId: webhookDeliveries.endpointId })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookEndpoints.enabled, true)));
  if (!delivery) return false;

  await db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: now })
    .where(eq(webhookDeliveries.id, deliveryId));
  await wakeDispatcher(env, delivery.endpointId);
  return true;
}
