import { randomId } from "../crypto/random";
import type { Database } from "../db/client";
import type { Realm } from "../db/realms";
import { adminEvents } from "../db/schema";
import { eventIpAddress } from "./ip-address";

/** Keys whose values never reach an admin event's representation. */
const SECRET_KEY = /secret|password|credential|token|private|value|hashed|salt|key$/i;

/** A representation with every secret-looking field removed, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== "object") return value;
  const kept: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!SECRET_KEY.test(key)) kept[key] = withoutSecrets(inner);
  }
  return kept;
}

/** One change made through the admin API, as Keycloak's AdminEventRepresentation has it. */
export interface AdminChange {
  operationType: "CREATE" | "UPDATE" | "DELETE" | "ACTION";
  resourceType: string;
  resourcePath: string;
  authRealmId?: string;
  authClientId?: string;
  authUserId?: string;
  ipHeader?: string;
  representation?: unknown;
  error?: string;
}

/**
 * Stores an admin event when the realm records them; the representation only when it asks
 * for details, and never its secrets. For the admin API (issue 5) to call through waitUntil.
 */
export async function recordAdminEvent(
  db: Database,
  realm: Realm,
  change: AdminChange,
  now = Date.now(),
): Promise<void> {
  if (!realm.adminEventsEnabled) return;
  const expiration = realm.eventsExpiration;
  const details = realm.adminEventsDetailsEnabled && change.representation !== undefined;

  await db.insert(adminEvents).values({
    id: randomId(),
    realmId: realm.id,
    time: now,
    operationType: change.operationType,
    resourceType: change.resourceType,
    resourcePath: change.resourcePath,
    authRealmId: change.authRealmId ?? null,
    authClientId: change.authClientId ?? null,
    authUserId: change.authUserId ?? null,
    authIpAddress: eventIpAddress(change.ipHeader, realm.eventsIpTruncation),
    representation: details ? JSON.stringify(withoutSecrets(change.representation)) : null,
    error: change.error ?? null,
    expiresAt: expiration ? Math.floor(now / 1000) + expiration : null,
  });
}
