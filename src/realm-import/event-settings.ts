import { z } from "zod";
import type { webhookEndpoints } from "../db/schema";
import { isEventType } from "../events/catalogue";
import { WebhookRegistrationError, webhookEndpointRow } from "../webhooks/endpoints";
import { isWebhookSecret } from "../webhooks/secret";
import { ImportError } from "./import-error";

const eventType = z.string().refine(isEventType, "is not an event type Latchkey knows");
const seconds = z
  .int()
  .min(1)
  .max(10 * 365 * 24 * 3600);

/** Latchkey's own: webhook endpoints with the `whsec_` secret the receiver already holds. */
const webhook = z.object({
  url: z.string().max(2048),
  eventTypes: z.array(eventType).max(100).nullish(),
  secret: z
    .string()
    .refine(isWebhookSecret, "must be whsec_ and at least 16 bytes in base64")
    .nullish(),
});

/** Keycloak's realm event settings, plus Latchkey's attribute and webhooks. */
export const eventSettingsFields = {
  eventsEnabled: z.boolean().nullish(),
  enabledEventTypes: z.array(eventType).max(200).nullish(),
  eventsExpiration: seconds.nullish(),
  adminEventsEnabled: z.boolean().nullish(),
  adminEventsDetailsEnabled: z.boolean().nullish(),
  attributes: z.object({ eventsIpTruncation: z.enum(["true", "false"]).nullish() }).nullish(),
  webhooks: z.array(webhook).max(20).nullish(),
};

type EventSettings = z.infer<z.ZodObject<typeof eventSettingsFields>>;

/** The realm columns for the event settings; those left out keep the schema's defaults. */
export function eventSettingsRow(rep: EventSettings) {
  const truncation = rep.attributes?.eventsIpTruncation;
  return {
    eventsEnabled: rep.eventsEnabled ?? undefined,
    enabledEventTypes: rep.enabledEventTypes?.length ? rep.enabledEventTypes : null,
    eventsExpiration: rep.eventsExpiration ?? null,
    adminEventsEnabled: rep.adminEventsEnabled ?? undefined,
    adminEventsDetailsEnabled: rep.adminEventsDetailsEnabled ?? undefined,
    eventsIpTruncation:
      truncation === undefined || truncation === null ? undefined : truncation === "true",
  };
}

/**
 * The webhook endpoint rows of a realm file. Their secrets are sealed, so an import with
 * webhooks needs KEY_ENCRYPTION_SECRET, like client-secret-jwt clients.
 */
export async function webhookRows(
  rep: EventSettings,
  realmId: string,
  keySecret: string | undefined,
  allowPrivate: boolean,
): Promise<(typeof webhookEndpoints.$inferInsert)[]> {
  const hooks = rep.webhooks ?? [];
  if (hooks.length === 0) return [];
  if (keySecret === undefined) {
    throw ImportError.at(["webhooks"], "webhooks can only be imported with KEY_ENCRYPTION_SECRET");
  }
  return Promise.all(
    hooks.map(async (hook, index) => {
      try {
        const registration = {
          url: hook.url,
          eventTypes: hook.eventTypes ?? [],
          secret: hook.secret ?? undefined,
        };
        return (await webhookEndpointRow(keySecret, realmId, registration, allowPrivate)).row;
      } catch (error) {
        if (!(error instanceof WebhookRegistrationError)) throw error;
        throw ImportError.at(
          ["webhooks", index, error.field],
          error.message.slice(error.field.length + 1),
        );
      }
    }),
  );
}
