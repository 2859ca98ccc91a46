import { and, desc, eq } from "drizzle-orm";
import { randomId } from "../crypto/random";
import type { Database } from "../db/client";
import { webhookDeliveries, webhookEndpoints } from "../db/schema";
import { isEventType } from "../events/catalogue";
import { newWebhookSecret, sealWebhookSecret } from "./secret";
import { webhookTargetProblem } from "./target";

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

/** Why an endpoint cannot be registered, said about the field at fault. */
export class WebhookRegistrationError extends Error {
  override name = "WebhookRegistrationError";
  constructor(
    readonly field: "url" | "eventTypes",
    message: string,
  ) {
    super(`${field} ${message}`);
  }
}

/** What an operator registers: where to, and which event types (none means all). */
export interface WebhookRegistration {
  url: string;
  eventTypes?: string[];
  /** A `whsec_` secret to use, e.g. from a realm file; a new one is made otherwise. */
  secret?: string;
  /** Whether deliveries start at once (the default). */
  enabled?: boolean;
}

/** Refuses a target this deployment may not call, naming the field. */
export function checkWebhookUrl(url: string, allowPrivate: boolean): string {
  const problem = webhookTargetProblem(url, allowPrivate);
  if (problem) throw new WebhookRegistrationError("url", problem);
  return url;
}

/** The event types deduplicated; refuses any the catalogue does not know, naming them. */
export function checkEventTypes(types: readonly string[] | undefined): string[] {
  const eventTypes = [...new Set(types ?? [])];
  const unknown = eventTypes.filter((type) => !isEventType(type));
  if (unknown.length > 0) {
    throw new WebhookRegistrationError("eventTypes", `has unknown types: ${unknown.join(", ")}`);
  }
  return eventTypes;
}

/** The endpoint row to insert, with its secret sealed; the plain secret is returned once. */
export async function webhookEndpointRow(
  keySecret: string,
  realmId: string,
  registration: WebhookRegistration,
  allowPrivate: boolean,
  now = Date.now(),
) {
  const url = checkWebhookUrl(registration.url, allowPrivate);
  const eventTypes = checkEventTypes(registration.eventTypes);

  const id = randomId();
  const secret = registration.secret ?? newWebhookSecret();
  const row = {
    id,
    realmId,
    url,
    eventTypes,
    secretSealed: await sealWebhookSecret(keySecret, id, secret),
    enabled: registration.enabled ?? true,
    consecutiveFailures: 0,
    createdAt: Math.floor(now / 1000),
  };
  return { row, secret };
}

/**
 * Registers a webhook endpoint for a realm. The secret is in the answer and nowhere else in
 * plain text: show it once, as the admin API will.
 */
export async function registerWebhook(
  db: Database,
  keySecret: string,
  realmId: string,
  registration: WebhookRegistration,
  allowPrivate: boolean,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const { row, secret } = await webhookEndpointRow(keySecret, realmId, registration, allowPrivate);
  const [endpoint] = await db.insert(webhookEndpoints).values(row).returning();
  if (!endpoint) throw new Error("webhook endpoint was not stored");
  return { endpoint, secret };
}

/** A realm's endpoints that take this event type. */
export async function endpointsFor(db: Database, realmId: string, type: string) {
  const enabled = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.realmId, realmId), eq(webhookEndpoints.enabled, true)));
  return enabled.filter((e) => e.eventTypes.length === 0 || e.eventTypes.includes(type));
}

/** An endpoint's delivery log, newest first. */
export async function listDeliveries(
  db: Database,
  endpointId: string,
  page: { first?: number; max?: number } = {},
): Promise<WebhookDelivery[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(Math.min(Math.max(page.max ?? 100, 1), 1000))
    .offset(Math.max(page.first ?? 0, 0));
}

/** Switches an endpoint back on after it was disabled, with a clean failure count. */
export async function enableWebhook(db: Database, endpointId: string): Promise<void> {
  await db
    .update(webhookEndpoints)
    .set({ enabled: true, consecutiveFailures: 0, disabledAt: null })
    .where(eq(webhookEndpoints.id, endpointId));
}
