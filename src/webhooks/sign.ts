import { Webhook } from "standardwebhooks";

/**
 * The Standard Webhooks headers for one message: id, timestamp (seconds), and a signature
 * under each secret, space separated, so a receiver holding either one verifies it.
 */
export function signedHeaders(
  secrets: readonly string[],
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
    "webhook-signature": secrets
      .map((secret) => new Webhook(secret).sign(messageId, timestamp, body))
      .join(" "),
  };
}
