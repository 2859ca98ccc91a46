import { and, desc, eq } from "drizzle-orm";
import { decodeJwt } from "jose";
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

/**
 * Claims about the token or the protocol rather than the person; everything else a client
 * was given (profile claims, roles, groups, mapper claims) is the person's data.
 */
const PROTOCOL_CLAIMS = new Set([
  "iss",
  "aud",
  "exp",
  "iat",
  "nbf",
  "jti",
  "azp",
  "typ",
  "scope",
  "sid",
  "session_state",
  "auth_time",
  "nonce",
  "at_hash",
  "c_hash",
  "acr",
  "amr",
  "cnf",
  "client_id",
  "token_type",
  "active",
  "allowed-origins",
  "userinfo_claims",
]);

/** The names of the person's claims in what a client received, sorted and space-separated. */
export function releasedClaimNames(...answers: (object | undefined)[]): string {
  const names = new Set<string>();
  for (const answer of answers) {
    for (const name of Object.keys(answer ?? {})) {
      if (!PROTOCOL_CLAIMS.has(name)) names.add(name);
    }
  }
  return [...names].sort().join(" ");
}

/** The person's claims in a token response: those of its access token and ID token. */
export function issuedClaimNames(response: { access_token: string; id_token?: string }): string {
  const idToken = response.id_token === undefined ? undefined : decodeJwt(response.id_token);
  return releasedClaimNames(decodeJwt(response.access_token), idToken);
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
    claims: (event.details?.claims ?? "").split(" ").filter((name) => name !== ""),
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
