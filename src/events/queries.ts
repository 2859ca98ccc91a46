import { and, desc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { adminEvents, events } from "../db/schema";

/** Keycloak's paging: `first` skips, `max` bounds (100 by default). */
export interface Page {
  first?: number;
  max?: number;
}

/** Keycloak's filters of `GET /admin/realms/{realm}/events`; dates are milliseconds. */
export interface EventFilter extends Page {
  type?: string[];
  client?: string;
  user?: string;
  dateFrom?: number;
  dateTo?: number;
  ipAddress?: string;
}

/** Keycloak's filters of `GET /admin/realms/{realm}/admin-events`. */
export interface AdminEventFilter extends Page {
  operationTypes?: ("CREATE" | "UPDATE" | "DELETE" | "ACTION")[];
  resourceTypes?: string[];
  resourcePath?: string;
  authClient?: string;
  authUser?: string;
  authIpAddress?: string;
  dateFrom?: number;
  dateTo?: number;
}

const MAX_PAGE = 1000;

function paging(page: Page) {
  return {
    limit: Math.min(Math.max(page.max ?? 100, 1), MAX_PAGE),
    offset: Math.max(page.first ?? 0, 0),
  };
}

/** Only the conditions a filter sets, so an empty filter lists everything. */
function allOf(conditions: (SQL | undefined | false)[]): SQL | undefined {
  return and(...conditions.filter((c): c is SQL => c !== undefined && c !== false));
}

export type StoredEvent = typeof events.$inferSelect;
export type StoredAdminEvent = typeof adminEvents.$inferSelect;

/** A realm's events, newest first. */
export async function listEvents(
  db: Database,
  realmId: string,
  filter: EventFilter = {},
): Promise<StoredEvent[]> {
  const { limit, offset } = paging(filter);
  const where = allOf([
    eq(events.realmId, realmId),
    filter.type && filter.type.length > 0 && inArray(events.type, filter.type),
    filter.client !== undefined && eq(events.clientId, filter.client),
    filter.user !== undefined && eq(events.userId, filter.user),
    filter.ipAddress !== undefined && eq(events.ipAddress, filter.ipAddress),
    filter.dateFrom !== undefined && gte(events.time, filter.dateFrom),
    filter.dateTo !== undefined && lte(events.time, filter.dateTo),
  ]);
  return db
    .select()
    .from(events)
    .where(where)
    .orderBy(desc(events.time), desc(events.id))
    .limit(limit)
    .offset(offset);
}

/** A realm's admin events, newest first. */
export async function listAdminEvents(
  db: Database,
  realmId: string,
  filter: AdminEventFilter = {},
): Promise<StoredAdminEvent[]> {
  const { limit, offset } = paging(filter);
  const where = allOf([
    eq(adminEvents.realmId, realmId),
    filter.operationTypes &&
      filter.operationTypes.length > 0 &&
      inArray(adminEvents.operationType, filter.operationTypes),
    filter.resourceTypes &&
      filter.resourceTypes.length > 0 &&
      inArray(adminEvents.resourceType, filter.resourceTypes),
    filter.resourcePath !== undefined && eq(adminEvents.resourcePath, filter.resourcePath),
    filter.authClient !== undefined && eq(adminEvents.authClientId, filter.authClient),
    filter.authUser !== undefined && eq(adminEvents.authUserId, filter.authUser),
    filter.authIpAddress !== undefined && eq(adminEvents.authIpAddress, filter.authIpAddress),
    filter.dateFrom !== undefined && gte(adminEvents.time, filter.dateFrom),
    filter.dateTo !== undefined && lte(adminEvents.time, filter.dateTo),
  ]);
  return db
    .select()
    .from(adminEvents)
    .where(where)
    .orderBy(desc(adminEvents.time), desc(adminEvents.id))
    .limit(limit)
    .offset(offset);
}
