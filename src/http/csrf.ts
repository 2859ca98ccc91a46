import type { Context } from "hono";
import { base64url } from "jose";
import type { AppEnv } from "../config";
import { derivedKey } from "../crypto/derived-key";
import { constantTimeEqual } from "../crypto/digest";
import { randomToken } from "../crypto/random";
import { readHostCookie, setHostCookie } from "./cookies";
import { PageError } from "./errors";

const COOKIE = "lk_csrf";
/** HMAC key for CSRF tokens, derived from the deployment secret with its own label. */
function csrfKey(secret: string): Promise<CryptoKey> {
  return derivedKey(secret, "latchkey csrf v1", { name: "HMAC", hash: "SHA-256" }, ["sign"]);
}

async function tokenFor(secret: string, cookieValue: string): Promise<string> {
  const mac = await crypto.subtle.sign(
    "HMAC",
    await csrfKey(secret),
    new TextEncoder().encode(cookieValue),
  );
  return base64url.encode(new Uint8Array(mac));
}

/**
 * The token for a form on this page: an HMAC of a random per-browser cookie, so a forged
 * cross-site form cannot know it (signed double-submit cookie).
 */
export async function issueCsrfToken(c: Context<AppEnv>): Promise<string> {
  let value = readHostCookie(c, COOKIE);
  if (value?.length !== 43) {
    value = randomToken();
    setHostCookie(c, COOKIE, value);
  }
  return tokenFor(c.env.KEY_ENCRYPTION_SECRET, value);
}

/** Refuses a form POST whose `csrf_token` does not belong to this browser's cookie. */
export async function verifyCsrfToken(c: Context<AppEnv>, submitted: string | undefined) {
  const value = readHostCookie(c, COOKIE);
  if (!value || !submitted) throw new PageError("error.csrf", 403);

  const expected = await tokenFor(c.env.KEY_ENCRYPTION_SECRET, value);
  if (!constantTimeEqual(expected, submitted)) throw new PageError("error.csrf", 403);
}
