import type { Env } from "../config";
import type { Database } from "../db/client";
import type { Realm } from "../db/realms";
import { dataAccess, events } from "../db/schema";
import { logEvent } from "../http/log";
import { enqueueWebhooks } from "../webhooks/enqueue";
import type { RecordedEvent } from "./catalogue";
import { dataAccessRow } from "./data-access";

/** Whether the realm stores events of this type (Keycloak's eventsEnabled, enabledEventTypes). */
export function storesEvent(realm: Realm, type: string): boolean {
  if (!realm.eventsEnabled) return false;
  const types = realm.enabledEventTypes;
  return !types || types.length === 0 || types.includes(type);
}

/** The events row; its expiry is fixed now, so the scheduled cleanup is one range delete. */
export function eventRow(realm: Realm, event: RecordedEvent) {
  const expiration = realm.eventsExpiration;
  const expiresAt = expiration ? Math.floor(event.time / 1000) + expiration : null;
  return { ...event, expiresAt };
}

/**
 * Stores an event, the access record it implies and its webhook deliveries. Never throws: a
 * failure is logged (type and cause, no details) and the request it describes stands.
 */
export async function storeEvent(
  env: Env,
  db: Database,
  realm: Realm,
  event: RecordedEvent,
): Promise<void> {
  try {
    const access = dataAccessRow(event);
    const writes = [
      ...(storesEvent(realm, event.type) ? [db.insert(events).values(eventRow(realm, event))] : []),
      ...(access ? [db.insert(dataAccess).values(access)] : []),
    ];
    const [first, ...rest] = writes;
    if (first) await db.batch([first, ...rest]);
    await enqueueWebhooks(env, db, event);
  } catch (error) {
    logEvent("event.record_failed", {
      realm: realm.id,
      type: event.type,
      reason: failureReason(error),
    });
  }
}

/**
 * The store's own message: drizzle's wrapper quotes the query's parameters (usernames,
 * details), so only its cause is logged.
 */
function failureReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 200);
}
