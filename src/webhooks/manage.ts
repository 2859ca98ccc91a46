import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { webhookDeliveries, webhookEndpoints } from "../db/schema";
import { checkEventTypes, checkWebhookUrl, type WebhookEndpoint } from "./endpoints";
import { newWebhookSecret, ROTATION_GRACE_MS, sealWebhookSecret } from "./secret";

/** A realm's webhook endpoint by id; another realm's is not found. */
export async function findWebhook(
  db: Database,
  realmId: string,
  id: string,
): Promise<WebhookEndpoint | undefined> {
  return db.query.webhookEndpoints.findFirst({
    where: and(eq(webhookEndpoints.realmId, realmId), eq(webhookEndpoints.id, id)),
  });
}

/** A realm's webhook endpoints, oldest first. */
export async function listWebhooks(db: Database, realmId: string): Promise<WebhookEndpoint[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.realmId, realmId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

/** What an update may change; a field left out keeps its value. */
export interface WebhookChange {
  url?: string;
  eventTypes?: string[];
  enabled?: boolean;
}

/**
 * Changes an endpoint. Switching it back on clears the failure count, as `enableWebhook`
 * does; switching it off stamps when. Returns the endpoint as stored.
 */
export async function updateWebhook(
  db: Database,
  endpoint: WebhookEndpoint,
  change: WebhookChange,
  allowPrivate: boolean,
  now = Date.now(),
): Promise<WebhookEndpoint> {
  const values: Partial<typeof webhookEndpoints.$inferInsert> = {};
  if (change.url !== undefined) values.url = checkWebhookUrl(change.url, allowPrivate);
  if (change.eventTypes !== undefined) values.eventTypes = checkEventTypes(change.eventTypes);
  if (change.enabled === true && !endpoint.enabled) {
    Object.assign(values, { enabled: true, consecutiveFailures: 0, disabledAt: null });
  }
  if (change.enabled === false && endpoint.enabled) {
    Object.assign(values, { enabled: false, disabledAt: Math.floor(now / 1000) });
  }
  if (Object.keys(values).length === 0) return endpoint;

  const [updated] = await db
    .update(webhookEndpoints)
    .set(values)
    .where(eq(webhookEndpoints.id, endpoint.id))
    .returning();
  return updated ?? endpoint;
}

/** Deletes an endpoint and its whole delivery log, queued messages included, in one batch. */
export async function deleteWebhook(db: Database, endpointId: string): Promise<void> {
  await db.batch([
    db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)),
    db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)),
  ]);
}

/**
 * Gives an endpoint a new secret, returned once. The one it replaces keeps signing beside it
 * for ROTATION_GRACE_MS, so receivers can switch without dropping messages; a second rotation
 * within that time ends the older secret's grace at once.
 */
export async function rotateWebhookSecret(
  db: Database,
  keySecret: string,
  endpointId: string,
  now = Date.now(),
): Promise<string> {
  const secret = newWebhookSecret();
  const sealed = await sealWebhookSecret(keySecret, endpointId, secret);
  // The previous secret is taken from the row in the same statement, so no rotation is lost.
  await db
    .update(webhookEndpoints)
    .set({
      previousSecretSealed: sql`${webhookEndpoints.secretSealed}`,
      previousSecretExpiresAt: now + ROTATION_GRACE_MS,
      secretSealed: sealed,
    })
    .where(eq(webhookEndpoints.id, endpointId));
  return secret;
}

/** One delivery of an endpoint; another endpoint's is not found. */
export async function findDelivery(db: Database, endpointId: string, deliveryId: string) {
  return db.query.webhookDeliveries.findFirst({
    where: and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, deliveryId)),
  });
}
