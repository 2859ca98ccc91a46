import type { Context } from "hono";
import { randomToken } from "../crypto/random";
import { CHALLENGE_LIFETIME_SECONDS } from "../db/webauthn-challenges";
import { readHostCookie, setHostCookie } from "../http/cookies";

const COOKIE = "lk_passkey";

/**
 * The sign-in attempt a WebAuthn challenge is bound to: a random HttpOnly cookie set when the
 * options are issued, so a challenge answers only in the browser that asked for it.
 */
export function startPasskeyAttempt(c: Context): string {
  const attempt = randomToken();
  setHostCookie(c, COOKIE, attempt, CHALLENGE_LIFETIME_SECONDS);
  return attempt;
}

/** The attempt this browser holds, if any. */
export function currentPasskeyAttempt(c: Context): string | undefined {
  const value = readHostCookie(c, COOKIE);
  return value?.length === 43 ? value : undefined;
}
