import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { webhookDeliveries, webhookEndpoints } from "../../../src/db/schema";
import { buildEvent } from "../../../src/events/record";
import { registerWebhook } from "../../../src/webhooks/endpoints";
import { webhookPayload } from "../../../src/webhooks/enqueue";
import { seedRealm } from "../support/realm";

export const workerEnv = env as unknown as Env;
export const db = database(workerEnv.DB);

/** A realm with events on and one webhook endpoint; returns its id and the secret shown once. */
export async function realmWithEndpoint(url: string, allowPrivate = false, eventTypes?: string[]) {
  const { name } = await seedRealm({ eventsEnabled: true });
  const realm = await findRealmByName(db, name);
  if (!realm) throw new Error("realm missing");
  const registration = { url, eventTypes };
  const { endpoint, secret } = await registerWebhook(
    db,
    workerEnv.KEY_ENCRYPTION_SECRET,
    realm.id,
    registration,
    allowPrivate,
  );
  return { realm, endpoint, secret };
}

/** Queues one LOGIN message for the endpoint, due at `now`, without waking its dispatcher. */
export async function queueLogin(
  realm: NonNullable<Awaited<ReturnType<typeof findRealmByName>>>,
  endpointId: string,
  now: number,
) {
  const event = buildEvent(realm, "LOGIN", { userId: "u1", clientId: "spa" }, undefined, now);
  const id = `msg_${crypto.randomUUID().replaceAll("-", "")}`;
  await db.insert(webhookDeliveries).values({
    id,
    endpointId,
    eventType: "LOGIN",
    payload: webhookPayload(event),
    status: "pending",
    nextAttemptAt: now,
    createdAt: now,
  });
  return { id, event };
}

export async function delivery(id: string) {
  const row = await db.query.webhookDeliveries.findFirst({ where: eq(webhookDeliveries.id, id) });
  if (!row) throw new Error("delivery missing");
  return row;
}

export async function endpointRow(id: string) {
  const row = await db.query.webhookEndpoints.findFirst({ where: eq(webhookEndpoints.id, id) });
  if (!row) throw new Error("endpoint missing");
  return row;
}

/** HMAC-SHA256 of `id.timestamp.body` with the secret's key, computed apart from the package. */
export async function expectedSignature(
  secret: string,
  id: string,
  timestamp: string,
  body: string,
) {
  const keyBytes = Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey(
    "raw",
    keyBytes,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`${id}.${timestamp}.${body}`),
  );
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}
