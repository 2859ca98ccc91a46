import { Webhook } from "standardwebhooks";

/** The Standard Webhooks headers for one message: id, timestamp (seconds), signature. */
export function signedHeaders(
  secret: string,
  messageId: string,
  timestampMs: number,
  body: string,
): Record<string, string> {
  const timestamp = new Date(Math.floor(timestampMs / 1000) * 1000);
  return {
    "content-type": "application/json",
    "webhook-id": messageId,
    "webhook-timestamp": String(timestamp.getTime() / 1000),
    // `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the secret's key.
    "webhook-signature": new Webhook(secret).sign(messageId, timestamp, body),
  };
}
