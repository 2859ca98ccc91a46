import { base64url } from "jose";

/** A random opaque token with 256 bits of entropy, base64url-encoded. */
export function randomToken(bytes = 32): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A random identifier for rows and sessions. */
export function randomId(): string {
  return crypto.randomUUID();
}
