import { seal, unseal } from "../keys/seal";

/** Binds a sealed secret to its endpoint, so it cannot be moved to another endpoint's row. */
const aad = (endpointId: string) => `webhook-secret:${endpointId}`;

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** Whether a secret is in the Standard Webhooks form, with at least 128 bits of key. */
export function isWebhookSecret(value: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!match?.[1]) return false;
  try {
    return atob(match[1]).length >= 16;
  } catch {
    return false;
  }
}

export function sealWebhookSecret(keySecret: string, endpointId: string, secret: string) {
  return seal(keySecret, secret, aad(endpointId));
}

export function unsealWebhookSecret(keySecret: string, endpointId: string, sealed: string) {
  return unseal(keySecret, sealed, aad(endpointId));
}
