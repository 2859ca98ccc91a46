import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import { type AdminEventFilter, listAdminEvents, listEvents } from "../events/queries";
import { requireRole } from "./auth";
import { AdminError } from "./errors";
import { paging } from "./validate";

/** Keycloak's `dateFrom`/`dateTo`: `yyyy-MM-dd` (UTC) or milliseconds since the epoch. */
function date(c: Context, name: string, endOfDay: boolean): number | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(day)) throw AdminError.badRequest(`Invalid ${name}: expected yyyy-MM-dd`);
  return endOfDay ? day + 86_399_999 : day;
}

const OPERATIONS = ["CREATE", "UPDATE", "DELETE", "ACTION"] as const;

/** `/admin/realms/{realm}/events` and `/admin-events`, newest first (view-events). */
export const eventRoutes = new Hono<AppEnv>();

eventRoutes.get("/events", async (c) => {
  requireRole(c, c.var.realm.name, "view-events");
  const rows = await listEvents(c.var.db, c.var.realm.id, {
    ...paging(c),
    type: c.req.queries("type"),
    client: c.req.query("client"),
    user: c.req.query("user"),
    ipAddress: c.req.query("ipAddress"),
    dateFrom: date(c, "dateFrom", false),
    dateTo: date(c, "dateTo", true),
  });
  return c.json(
    rows.map((row) => ({
      time: row.time,
      type: row.type,
      realmId: c.var.realm.name,
      clientId: row.clientId ?? undefined,
      userId: row.userId ?? undefined,
      sessionId: row.sessionId ?? undefined,
      ipAddress: row.ipAddress ?? undefined,
      error: row.error ?? undefined,
      details: row.details ?? undefined,
    })),
  );
});

eventRoutes.get("/admin-events", async (c) => {
  requireRole(c, c.var.realm.name, "view-events");
  const operations = c.req.queries("operationTypes") ?? [];
  if (!operations.every((op) => (OPERATIONS as readonly string[]).includes(op))) {
    throw AdminError.badRequest("Invalid operationTypes");
  }
  const rows = await listAdminEvents(c.var.db, c.var.realm.id, {
    ...paging(c),
    operationTypes: operations as AdminEventFilter["operationTypes"],
    resourceTypes: c.req.queries("resourceTypes"),
    resourcePath: c.req.query("resourcePath"),
    authClient: c.req.query("authClient"),
    authUser: c.req.query("authUser"),
    authIpAddress: c.req.query("authIpAddress"),
    dateFrom: date(c, "dateFrom", false),
    dateTo: date(c, "dateTo", true),
  });
  return c.json(
    rows.map((row) => ({
      time: row.time,
      realmId: c.var.realm.name,
      authDetails: {
        realmId: row.authRealmId ?? undefined,
        clientId: row.authClientId ?? undefined,
        userId: row.authUserId ?? undefined,
        ipAddress: row.authIpAddress ?? undefined,
      },
      operationType: row.operationType,
      resourceType: row.resourceType,
      resourcePath: row.resourcePath,
      representation: row.representation ?? undefined,
      error: row.error ?? undefined,
    })),
  );
});
