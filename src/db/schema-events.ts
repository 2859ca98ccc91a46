import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { realms, users } from "./schema";

/**
 * Recorded events. Times are milliseconds, as in Keycloak's event representation;
 * `expires_at` (Unix seconds) is fixed when the row is written, from the realm's expiration.
 */

/** Keycloak's user events: sign-ins, tokens, account changes. */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    time: integer("time").notNull(),
    type: text("type").notNull(),
    /** The client's `client_id`, not its row id, as Keycloak reports it. */
    clientId: text("client_id"),
    userId: text("user_id"),
    sessionId: text("session_id"),
    ipAddress: text("ip_address"),
    error: text("error"),
    details: text("details", { mode: "json" }).$type<Record<string, string>>(),
    expiresAt: integer("expires_at"),
  },
  (t) => [
    index("events_realm_time").on(t.realmId, t.time),
    index("events_realm_user_time").on(t.realmId, t.userId, t.time),
    index("events_expires").on(t.expiresAt),
  ],
);

/** Keycloak's admin events: every change through the admin API, and who made it. */
export const adminEvents = sqliteTable(
  "admin_events",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    time: integer("time").notNull(),
    operationType: text("operation_type", {
      enum: ["CREATE", "UPDATE", "DELETE", "ACTION"],
    }).notNull(),
    resourceType: text("resource_type").notNull(),
    resourcePath: text("resource_path").notNull(),
    authRealmId: text("auth_realm_id"),
    authClientId: text("auth_client_id"),
    authUserId: text("auth_user_id"),
    authIpAddress: text("auth_ip_address"),
    /** The new representation as JSON, secrets removed; only when the realm asks for details. */
    representation: text("representation"),
    error: text("error"),
    details: text("details", { mode: "json" }).$type<Record<string, string>>(),
    expiresAt: integer("expires_at"),
  },
  (t) => [
    index("admin_events_realm_time").on(t.realmId, t.time),
    index("admin_events_expires").on(t.expiresAt),
  ],
);

/**
 * Who read a person's data: a client (token issued, userinfo, introspection) or an
 * administrator. Kept whether or not the realm records events: it is the person's record.
 */
export const dataAccess = sqliteTable(
  "data_access",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    time: integer("time").notNull(),
    accessor: text("accessor", { enum: ["client", "admin"] }).notNull(),
    /** The client's `client_id` (for an administrator: the client they used). */
    clientId: text("client_id"),
    adminUserId: text("admin_user_id"),
    /** What happened, as the event type that recorded it (e.g. `CODE_TO_TOKEN`). */
    action: text("action").notNull(),
    scope: text("scope"),
    /** The claim names released, JSON array. */
    claims: text("claims", { mode: "json" }).$type<string[]>().notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    index("data_access_user_time").on(t.realmId, t.userId, t.time),
    index("data_access_expires").on(t.expiresAt),
  ],
);

/** Where a realm's events are delivered, per Standard Webhooks. */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** Event types delivered, JSON array; empty delivers every type. */
    eventTypes: text("event_types", { mode: "json" }).$type<string[]>().notNull(),
    /** The `whsec_` secret sealed with AES-256-GCM: signing needs it, so it cannot be hashed. */
    secretSealed: text("secret_sealed").notNull(),
    /** The secret before the last rotation, sealed; it signs too until it expires (ms). */
    previousSecretSealed: text("previous_secret_sealed"),
    previousSecretExpiresAt: integer("previous_secret_expires_at"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** Deliveries failed for good in a row; reaching the limit disables the endpoint. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    disabledAt: integer("disabled_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("webhook_endpoints_realm").on(t.realmId)],
);

/** One message to one endpoint: its body as signed, and how delivery went. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    /** Also the `webhook-id` header: the same on every retry, so receivers can deduplicate. */
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    /** The JSON body exactly as sent; it carries the event, which holds no secrets. */
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** Milliseconds; when the next attempt is due while pending. */
    nextAttemptAt: integer("next_attempt_at"),
    lastAttemptAt: integer("last_attempt_at"),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("webhook_deliveries_endpoint").on(t.endpointId, t.status, t.nextAttemptAt)],
);
