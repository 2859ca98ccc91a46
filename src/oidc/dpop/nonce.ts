import { base64url } from "jose";
import { derivedKey } from "../../crypto/derived-key";
import { constantTimeEqual } from "../../crypto/digest";

/** A nonce is good for the period it was issued in and the next: 5 to 10 minutes. */
export const NONCE_PERIOD_SECONDS = 300;

function nonceKey(secret: string): Promise<CryptoKey> {
  const hmac = { name: "HMAC", hash: "SHA-256" } as const;
  return derivedKey(secret, "latchkey dpop nonce v1", hmac, ["sign"]);
}

async function nonceFor(secret: string, realmId: string, period: number): Promise<string> {
  const data = new TextEncoder().encode(`${realmId}\u0000${period}`);
  const mac = await crypto.subtle.sign("HMAC", await nonceKey(secret), data);
  return `${period}.${base64url.encode(new Uint8Array(mac))}`;
}

/**
 * The server nonce of RFC 9449 §8 for this realm at `now`: stateless, an HMAC of the current
 * period, so every location issues and accepts the same nonces without storing them.
 */
export function currentNonce(secret: string, realmId: string, now: number): Promise<string> {
  return nonceFor(secret, realmId, Math.floor(now / NONCE_PERIOD_SECONDS));
}

/** Whether a nonce was issued for this realm in the current or the previous period. */
export async function isFreshNonce(
  secret: string,
  realmId: string,
  nonce: string,
  now: number,
): Promise<boolean> {
  const current = Math.floor(now / NONCE_PERIOD_SECONDS);
  const period = Number(nonce.slice(0, nonce.indexOf(".")));
  if (period !== current && period !== current - 1) return false;
  return constantTimeEqual(nonce, await nonceFor(secret, realmId, period));
}
