import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import type { Realm } from "../db/realms";
import { adminEvents, events, realms } from "../db/schema";
import { isEventType } from "../events/catalogue";
import { clearRealmCache } from "../http/realm-context";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { readBody } from "./validate";

/**
 * Keycloak's default listener, accepted so its realm representations apply unchanged.
 * Latchkey has no listener plug-ins: it stores events and sends webhooks whatever this says.
 */
const KEYCLOAK_LOGGING_LISTENER = "jboss-logging";

/** Keycloak's RealmEventsConfigRepresentation fields, shared with the realm's own PUT. */
export const eventsConfigFields = {
  eventsEnabled: z.boolean().nullish(),
  /** Seconds; 0 or null keeps events until they are cleared. */
  eventsExpiration: z
    .int()
    .min(0)
    .max(10 * 365 * 24 * 3600)
    .nullish(),
  eventsListeners: z
    .array(
      z.string().refine((name) => name === KEYCLOAK_LOGGING_LISTENER, {
        error: (issue) => `${JSON.stringify(issue.input)} is not an event listener Latchkey has`,
      }),
    )
    .nullish(),
  enabledEventTypes: z
    .array(
      z.string().refine(isEventType, {
        error: (issue) => `${JSON.stringify(issue.input)} is not an event type Latchkey knows`,
      }),
    )
    .max(200)
    .nullish(),
  adminEventsEnabled: z.boolean().nullish(),
  adminEventsDetailsEnabled: z.boolean().nullish(),
};

const eventsConfig = z.object(eventsConfigFields);
type EventsConfigUpdate = z.infer<typeof eventsConfig>;
type EventColumns = Partial<Pick<Realm, keyof Omit<EventsConfigUpdate, "eventsListeners">>>;

/** The realm columns an events config sets; a field left out or null keeps its value. */
export function eventsConfigColumns(rep: EventsConfigUpdate): EventColumns {
  const columns: EventColumns = {};
  if (typeof rep.eventsEnabled === "boolean") columns.eventsEnabled = rep.eventsEnabled;
  if (typeof rep.adminEventsEnabled === "boolean") {
    columns.adminEventsEnabled = rep.adminEventsEnabled;
  }
  if (typeof rep.adminEventsDetailsEnabled === "boolean") {
    columns.adminEventsDetailsEnabled = rep.adminEventsDetailsEnabled;
  }
  // Keycloak's empty list records every type; so does null here.
  if (rep.enabledEventTypes) {
    const types = [...new Set(rep.enabledEventTypes)];
    columns.enabledEventTypes = types.length > 0 ? types : null;
  }
  if (rep.eventsExpiration !== undefined) columns.eventsExpiration = rep.eventsExpiration || null;
  return columns;
}

/** A realm update with its event fields turned into columns and the rest left as they are. */
export function withEventsConfigColumns<T extends EventsConfigUpdate>(update: T) {
  const {
    eventsEnabled,
    eventsExpiration,
    eventsListeners,
    enabledEventTypes,
    adminEventsEnabled,
    adminEventsDetailsEnabled,
    ...others
  } = update;
  return { ...others, ...eventsConfigColumns(update) };
}

/** Keycloak's RealmEventsConfigRepresentation of a realm. */
export function eventsConfigRepresentation(realm: Realm) {
  return {
    eventsEnabled: realm.eventsEnabled,
    eventsExpiration: realm.eventsExpiration ?? undefined,
    eventsListeners: [] as string[],
    enabledEventTypes: realm.enabledEventTypes ?? [],
    adminEventsEnabled: realm.adminEventsEnabled,
    adminEventsDetailsEnabled: realm.adminEventsDetailsEnabled,
  };
}

/** `/admin/realms/{realm}/events/config`, and clearing the stored events (manage-events). */
export const eventsConfigRoutes = new Hono<AppEnv>();

eventsConfigRoutes.get("/events/config", (c) => {
  requireRole(c, c.var.realm.name, "view-events");
  return c.json(eventsConfigRepresentation(c.var.realm));
});

eventsConfigRoutes.put("/events/config", async (c) => {
  requireRole(c, c.var.realm.name, "manage-events");
  const rep = await readBody(c, eventsConfig);
  const columns = eventsConfigColumns(rep);
  if (Object.keys(columns).length > 0) {
    await c.var.db.update(realms).set(columns).where(eq(realms.id, c.var.realm.id));
    clearRealmCache();
  }
  auditChange(c, "UPDATE", "REALM", "events/config", rep);
  return c.body(null, 204);
});

eventsConfigRoutes.delete("/events", async (c) => {
  requireRole(c, c.var.realm.name, "manage-events");
  await c.var.db.delete(events).where(eq(events.realmId, c.var.realm.id));
  auditChange(c, "DELETE", "REALM", "events");
  return c.body(null, 204);
});

eventsConfigRoutes.delete("/admin-events", async (c) => {
  requireRole(c, c.var.realm.name, "manage-events");
  await c.var.db.delete(adminEvents).where(eq(adminEvents.realmId, c.var.realm.id));
  // Recorded after the clearing, so the trail shows who emptied it.
  auditChange(c, "DELETE", "REALM", "admin-events");
  return c.body(null, 204);
});
