import { base64url } from "jose";

const encoder = new TextEncoder();

/** SHA-256 of a string, base64url-encoded: how high-entropy secrets are stored. */
export async function sha256(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(value));
  return base64url.encode(new Uint8Array(digest));
}

/** Compares two strings without revealing where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.byteLength !== right.byteLength) {
    // Compare against itself so the time does not depend on which input was shorter.
    crypto.subtle.timingSafeEqual(left, left);
    return false;
  }
  return crypto.subtle.timingSafeEqual(left, right);
}
