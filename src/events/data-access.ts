import { and, desc, eq } from "drizzle-orm";
import { randomId } from "../crypto/random";
import type { Database } from "../db/client";
import { dataAccess } from "../db/schema";
import type { EventType, RecordedEvent } from "./catalogue";

/** How long a person's access trail is kept: a year, whatever the realm keeps of events. */
export const DATA_ACCESS_RETENTION_SECONDS = 365 * 24 * 3600;

/** Events in which a client reads a person's data, so each leaves an access record. */
const READS = new Set<EventType>([
  "CODE_TO_TOKEN",
  "REFRESH_TOKEN",
  "TOKEN_EXCHANGE",
  "OAUTH2_DEVICE_CODE_TO_TOKEN",
  "USER_INFO_REQUEST",
  "INTROSPECT_TOKEN",
]);

/** Claims each scope releases (OpenID Connect Core §5.4; Keycloak's `roles` scope). */
const SCOPE_CLAIMS: Record<string, string[]> = {
  openid: ["sub", "preferred_username"],
  profile: ["preferred_username", "name", "given_name", "family_name"],
  email: ["email", "email_verified"],
  address: ["address"],
  phone: ["phone_number", "phone_number_verified"],
  roles: ["realm_access", "resource_access"],
};

/**
 * The claim names a scope releases. TODO(access-trail-claims): names come from the scope,
 * not the token; a `claims` request parameter could release more than listed here; passing
 * the minted claim names through the event would close it.
 */
export function claimsOfScope(scope: string): string[] {
  const names = new Set<string>(["sub"]);
  for (const value of scope.split(" ")) {
    for (const claim of SCOPE_CLAIMS[value] ?? []) names.add(claim);
  }
  return [...names];
}

/** The access record an event leaves, if it is a client reading a person's data. */
export function dataAccessRow(event: RecordedEvent) {
  if (!READS.has(event.type) || event.error || !event.userId) return undefined;
  const scope = event.details?.scope ?? "";
  return {
    id: randomId(),
    realmId: event.realmId,
    userId: event.userId,
    time: event.time,
    accessor: "client" as const,
    clientId: event.clientId,
    action: event.type,
    scope,
    claims: claimsOfScope(scope),
    expiresAt: Math.floor(event.time / 1000) + DATA_ACCESS_RETENTION_SECONDS,
  };
}

type AdminAccess = { realmId: string; userId: string; adminUserId: string; clientId?: string };

function adminAccessRow(access: AdminAccess, action: "ADMIN_READ" | "ADMIN_UPDATE", now: number) {
  return {
    id: randomId(),
    realmId: access.realmId,
    userId: access.userId,
    time: now,
    accessor: "admin" as const,
    clientId: access.clientId ?? null,
    adminUserId: access.adminUserId,
    action,
    claims: [],
    expiresAt: Math.floor(now / 1000) + DATA_ACCESS_RETENTION_SECONDS,
  };
}

/** Records that an administrator read or changed a person's record (for the admin API). */
export async function recordAdminAccess(
  db: Database,
  access: AdminAccess,
  action: "ADMIN_READ" | "ADMIN_UPDATE",
  now = Date.now(),
): Promise<void> {
  await db.insert(dataAccess).values(adminAccessRow(access, action, now));
}

// D1 binds at most 100 parameters per statement; a row binds up to 13.
const ROWS_PER_INSERT = 7;

/** Records an administrator's read of many people at once (a realm export), in one batch. */
export async function recordAdminReads(
  db: Database,
  access: Omit<AdminAccess, "userId">,
  userIds: readonly string[],
  now = Date.now(),
): Promise<void> {
  const rows = userIds.map((userId) => adminAccessRow({ ...access, userId }, "ADMIN_READ", now));
  const inserts = [];
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    inserts.push(db.insert(dataAccess).values(rows.slice(at, at + ROWS_PER_INSERT)));
  }
  const [first, ...rest] = inserts;
  if (first) await db.batch([first, ...rest]);
}

export type DataAccessRecord = typeof dataAccess.$inferSelect;

/** A person's access trail, newest first, paged like Keycloak's `first` and `max`. */
export async function listDataAccess(
  db: Database,
  realmId: string,
  userId: string,
  page: { first?: number; max?: number } = {},
): Promise<DataAccessRecord[]> {
  return db
    .select()
    .from(dataAccess)
    .where(and(eq(dataAccess.realmId, realmId), eq(dataAccess.userId, userId)))
    .orderBy(desc(dataAccess.time), desc(dataAccess.id))
    .limit(Math.min(Math.max(page.max ?? 100, 1), 1000))
    .offset(Math.max(page.first ?? 0, 0));
}
