import { integer, text } from "drizzle-orm/sqlite-core";

const flag = (name: string) => integer(name, { mode: "boolean" });

/**
 * The realm's event settings, named as in Keycloak's realm representation; spread into the
 * `realms` table. Keycloak's defaults: nothing is recorded until an operator turns it on.
 */
export const realmEventSettings = {
  eventsEnabled: flag("events_enabled").notNull().default(false),
  /** Event types to store; null stores every type (Keycloak's empty list). */
  enabledEventTypes: text("enabled_event_types", { mode: "json" }).$type<string[]>(),
  /** Seconds an event is kept; null keeps events until an operator deletes them. */
  eventsExpiration: integer("events_expiration"),
  adminEventsEnabled: flag("admin_events_enabled").notNull().default(false),
  /** Whether admin events carry the new representation (secrets removed). */
  adminEventsDetailsEnabled: flag("admin_events_details_enabled").notNull().default(false),
  /**
   * Latchkey's own (realm attribute `eventsIpTruncation`): store IPv4 addresses as /24 and
   * IPv6 as /48, so events and access records name a network, not a household.
   */
  eventsIpTruncation: flag("events_ip_truncation").notNull().default(false),
};
