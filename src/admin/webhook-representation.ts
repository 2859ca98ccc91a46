import type { WebhookDelivery, WebhookEndpoint } from "../webhooks/endpoints";

/** Latchkey's webhook endpoint representation: never its secret, which is shown only once. */
export function webhookRepresentation(endpoint: WebhookEndpoint) {
  const graceEnds = endpoint.previousSecretExpiresAt;
  return {
    id: endpoint.id,
    url: endpoint.url,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    consecutiveFailures: endpoint.consecutiveFailures,
    createdTimestamp: endpoint.createdAt * 1000,
    disabledTimestamp: endpoint.disabledAt === null ? undefined : endpoint.disabledAt * 1000,
    /** Until when the secret before the last rotation still signs, while it does. */
    previousSecretExpiresTimestamp:
      graceEnds !== null && graceEnds > Date.now() ? graceEnds : undefined,
  };
}

/** The event a message carries, read back from the body as it was signed. */
function eventIdOf(payload: string): string | undefined {
  try {
    const id = (JSON.parse(payload) as { data?: { id?: unknown } }).data?.id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

/** One entry of an endpoint's delivery log; its id is the `webhook-id` header. */
export function deliveryRepresentation(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    eventId: eventIdOf(delivery.payload),
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatus: delivery.lastStatus ?? undefined,
    lastError: delivery.lastError ?? undefined,
    nextAttemptTimestamp: delivery.nextAttemptAt ?? undefined,
    lastAttemptTimestamp: delivery.lastAttemptAt ?? undefined,
    createdTimestamp: delivery.createdAt,
  };
}
