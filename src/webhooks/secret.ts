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

/** How long the secret before a rotation keeps signing, so receivers can switch over. */
export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

/** The secrets that sign an endpoint's messages now: its own, and the previous one in grace. */
export async function signingSecrets(
  keySecret: string,
  endpoint: {
    id: string;
    secretSealed: string;
    previousSecretSealed: string | null;
    previousSecretExpiresAt: number | null;
  },
  now: number,
): Promise<string[]> {
  const current = await unsealWebhookSecret(keySecret, endpoint.id, endpoint.secretSealed);
  const previous = endpoint.previousSecretSealed;
  if (!previous || (endpoint.previousSecretExpiresAt ?? 0) <= now) return [current];
  return [current, await unsealWebhookSecret(keySecret, endpoint.id, previous)];
}
