import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import { listDeliveries, registerWebhook, WebhookRegistrationError } from "../webhooks/endpoints";
import { forgetDispatcher, redeliver, wakeDispatcher } from "../webhooks/enqueue";
import {
  deleteWebhook,
  findDelivery,
  findWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
} from "../webhooks/manage";
import { allowsPrivateTargets } from "../webhooks/target";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { AdminError } from "./errors";
import { paging, readBody } from "./validate";
import { deliveryRepresentation, webhookRepresentation } from "./webhook-representation";

const fields = {
  url: z.string().max(2048),
  eventTypes: z.array(z.string().max(100)).max(100),
  enabled: z.boolean(),
};
const newWebhook = z.object({
  url: fields.url,
  eventTypes: fields.eventTypes.nullish(),
  enabled: fields.enabled.nullish(),
});
const webhookUpdate = z.object({
  url: fields.url.optional(),
  eventTypes: fields.eventTypes.optional(),
  enabled: fields.enabled.optional(),
});

/** Runs a registration or update; a refused URL or event type is a 400 naming the field. */
async function checked<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WebhookRegistrationError) throw AdminError.badRequest(error.message);
    throw error;
  }
}

/** The path's endpoint in the path's realm, or Keycloak-style 404. */
async function load(c: Context<AppEnv>) {
  const endpoint = await findWebhook(c.var.db, c.var.realm.id, c.req.param("id") ?? "");
  if (!endpoint) throw AdminError.notFound("Webhook not found");
  return endpoint;
}

/**
 * `/admin/realms/{realm}/webhooks`: Latchkey's own API for Standard Webhooks endpoints
 * (Keycloak has none). view-events reads, manage-events changes.
 */
export const webhookRoutes = new Hono<AppEnv>();

webhookRoutes.get("/", async (c) => {
  requireRole(c, c.var.realm.name, "view-events");
  const endpoints = await listWebhooks(c.var.db, c.var.realm.id);
  return c.json(endpoints.map(webhookRepresentation));
});

webhookRoutes.post("/", async (c) => {
  requireRole(c, c.var.realm.name, "manage-events");
  const body = await readBody(c, newWebhook);
  const registration = {
    url: body.url,
    eventTypes: body.eventTypes ?? [],
    enabled: body.enabled ?? true,
  };
  const { endpoint, secret } = await checked(() =>
    registerWebhook(
      c.var.db,
      c.env.KEY_ENCRYPTION_SECRET,
      c.var.realm.id,
      registration,
      allowsPrivateTargets(c.env),
    ),
  );

  const rep = webhookRepresentation(endpoint);
  auditChange(c, "CREATE", "WEBHOOK", `webhooks/${endpoint.id}`, rep);
  c.header("Location", `${new URL(c.req.url).origin}${c.req.path.replace(/\/$/, "")}/${rep.id}`);
  // The only answer that carries the secret: it is stored sealed and never shown again.
  return c.json({ ...rep, secret }, 201);
});

webhookRoutes.get("/:id", async (c) => {
  requireRole(c, c.var.realm.name, "view-events");
  return c.json(webhookRepresentation(await load(c)));
});

webhookRoutes.put("/:id", async (c) => {
  requireRole(c, c.var.realm.name, "manage-events");
  const change = await readBody(c, webhookUpdate);
  const endpoint = await load(c);
  const updated = await checked(() =>
    updateWebhook(c.var.db, endpoint, change, allowsPrivateTargets(c.env)),
  );
  // Messages queued while it was off go out now.
  if (updated.enabled && !endpoint.enabled) await wakeDispatcher(c.env, updated.id);

  const rep = webhookRepresentation(updated);
  auditChange(c, "UPDATE", "WEBHOOK", `webhooks/${updated.id}`, rep);
  return c.json(rep);
});

webhookRoutes.delete("/:id", async (c) => {
  requireRole(c, c.var.realm.name, "manage-events");
  const endpoint = await load(c);
  await deleteWebhook(c.var.db, endpoint.id);
  await forgetDispatcher(c.env, endpoint.id);
  auditChange(c, "DELETE", "WEBHOOK", `webhooks/${endpoint.id}`);
  return c.body(null, 204);
});

webhookRoutes.post("/:id/secret", async (c) => {
  requireRole(c, c.var.realm.name, "manage-events");
  const endpoint = await load(c);
  const secret = await rotateWebhookSecret(c.var.db, c.env.KEY_ENCRYPTION_SECRET, endpoint.id);
  auditChange(c, "ACTION", "WEBHOOK", `webhooks/${endpoint.id}/secret`);
  return c.json({ ...webhookRepresentation(await load(c)), secret });
});

webhookRoutes.get("/:id/deliveries", async (c) => {
  requireRole(c, c.var.realm.name, "view-events");
  const endpoint = await load(c);
  const rows = await listDeliveries(c.var.db, endpoint.id, paging(c));
  return c.json(rows.map(deliveryRepresentation));
});

webhookRoutes.post("/:id/deliveries/:deliveryId/redeliver", async (c) => {
  requireRole(c, c.var.realm.name, "manage-events");
  const endpoint = await load(c);
  const deliveryId = c.req.param("deliveryId");
  const delivery = await findDelivery(c.var.db, endpoint.id, deliveryId);
  if (!delivery) throw AdminError.notFound("Delivery not found");
  if (!endpoint.enabled) throw AdminError.conflict("Webhook is disabled; enable it first");

  if (!(await redeliver(c.env, c.var.db, delivery.id))) {
    throw AdminError.conflict("Webhook is disabled; enable it first");
  }
  const path = `webhooks/${endpoint.id}/deliveries/${delivery.id}/redeliver`;
  auditChange(c, "ACTION", "WEBHOOK", path);
  return c.body(null, 204);
});
