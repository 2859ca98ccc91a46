import { and, asc, eq, lte, min } from "drizzle-orm";
import type { Env } from "../config";
import type { Database } from "../db/client";
import { webhookDeliveries, webhookEndpoints } from "../db/schema";
import { buildEvent } from "../events/record";
import { storeEvent } from "../events/store";
import { logEvent } from "../http/log";
import { type AttemptResult, attemptDelivery, type Send } from "./attempt";
import type { WebhookDelivery, WebhookEndpoint } from "./endpoints";
import { signingSecrets } from "./secret";

/** Attempts per delivery before it is given up as failed. */
export const MAX_ATTEMPTS = 8;
/** Failed attempts in a row, across deliveries, after which an endpoint is disabled. */
export const DISABLE_AFTER_FAILURES = 20;
/** At most this many deliveries per wake, so one alarm stays short. */
const BATCH = 25;

/** Exponential backoff: 5 s after the first failure, four times longer each time, ≤ 10 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5_000 * 4 ** Math.max(attempts - 1, 0), 10 * 3600 * 1000);
}

export interface DeliveryOptions {
  now: number;
  send: Send;
  allowPrivate: boolean;
  disableAfter?: number;
  timeoutMs?: number;
}

/**
 * Delivers an endpoint's due messages, records each outcome in its log, and disables the
 * endpoint after too many failures in a row. Returns when to run next (ms), or null.
 */
export async function deliverDue(
  env: Env,
  db: Database,
  endpointId: string,
  options: DeliveryOptions,
): Promise<number | null> {
  const endpoint = await db.query.webhookEndpoints.findFirst({
    where: eq(webhookEndpoints.id, endpointId),
  });
  if (!endpoint?.enabled) return null;

  const due = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, options.now),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(BATCH);

  const secrets = await signingSecrets(env.KEY_ENCRYPTION_SECRET, endpoint, options.now);
  let failures = endpoint.consecutiveFailures;
  for (const delivery of due) {
    if (!(await stillDue(db, delivery.id))) continue;
    const result = await attemptDelivery({ url: endpoint.url, secrets }, delivery, options);
    failures = result.ok ? 0 : failures + 1;
    await recordAttempt(db, endpoint, delivery, result, failures, options.now);
    if (failures >= (options.disableAfter ?? DISABLE_AFTER_FAILURES)) {
      await disableEndpoint(env, db, endpoint, options.now);
      return null;
    }
  }
  return nextDue(db, endpointId, options.now, due.length === BATCH);
}

/**
 * Whether a delivery is still pending to an enabled endpoint. An endpoint deleted or
 * switched off through the admin API during a run gets nothing more from that run.
 */
async function stillDue(db: Database, deliveryId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.status, "pending"),
        eq(webhookEndpoints.enabled, true),
      ),
    );
  return row !== undefined;
}

async function recordAttempt(
  db: Database,
  endpoint: WebhookEndpoint,
  delivery: WebhookDelivery,
  result: AttemptResult,
  failures: number,
  now: number,
) {
  const attempts = delivery.attempts + 1;
  const givenUp = !result.ok && attempts >= MAX_ATTEMPTS;
  const status = result.ok ? "delivered" : givenUp ? "failed" : "pending";
  await db.batch([
    db
      .update(webhookDeliveries)
      .set({
        status,
        attempts,
        lastAttemptAt: now,
        lastStatus: result.status ?? null,
        lastError: result.ok ? null : result.error,
        nextAttemptAt: status === "pending" ? now + retryDelayMs(attempts) : null,
      })
      .where(eq(webhookDeliveries.id, delivery.id)),
    db
      .update(webhookEndpoints)
      .set({ consecutiveFailures: failures })
      .where(eq(webhookEndpoints.id, endpoint.id)),
  ]);
  const fields = { realm: endpoint.realmId, endpointId: endpoint.id, attempts };
  if (result.ok) logEvent("webhook.delivered", { ...fields, status: result.status });
  else logEvent("webhook.failed", { ...fields, status: result.status, final: givenUp });
}

/** Switches the endpoint off and says so: in the log, and as an event of its realm. */
async function disableEndpoint(env: Env, db: Database, endpoint: WebhookEndpoint, now: number) {
  await db
    .update(webhookEndpoints)
    .set({ enabled: false, disabledAt: Math.floor(now / 1000) })
    .where(eq(webhookEndpoints.id, endpoint.id));
  logEvent("webhook.endpoint_disabled", { realm: endpoint.realmId, endpointId: endpoint.id });

  const realm = await db.query.realms.findFirst({
    where: (realms, { eq }) => eq(realms.id, endpoint.realmId),
  });
  if (!realm) return;
  const details = { endpoint_id: endpoint.id, reason: "consecutive_failures" };
  await storeEvent(
    env,
    db,
    realm,
    buildEvent(realm, "WEBHOOK_ENDPOINT_DISABLED", { details }, undefined, now),
  );
}

/** When the endpoint's next pending delivery is due; now again if a full batch just ran. */
async function nextDue(db: Database, endpointId: string, now: number, more: boolean) {
  if (more) return now;
  const [row] = await db
    .select({ next: min(webhookDeliveries.nextAttemptAt) })
    .from(webhookDeliveries)
    .where(
      and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, "pending")),
    );
  return row?.next ?? null;
}
