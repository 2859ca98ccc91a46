import { base64url } from "jose";
import { constantTimeEqual } from "../../crypto/digest";
import { OAuthError } from "../../http/errors";

/** RFC 7636 §4.1: 43 to 128 characters from the unreserved set. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * RFC 7636 §4.6 with S256. A verifier sent for a code issued without a challenge is refused
 * too, which blocks PKCE downgrade (RFC 9700 §2.1.1).
 */
export async function checkCodeVerifier(
  challenge: string | null,
  verifier: string | undefined,
): Promise<void> {
  if (challenge === null) {
    if (verifier !== undefined) {
      throw new OAuthError("invalid_grant", "code_verifier sent for a code without PKCE.");
    }
    return;
  }
  if (verifier === undefined) throw new OAuthError("invalid_grant", "Missing code_verifier.");
  if (!VERIFIER.test(verifier)) throw new OAuthError("invalid_grant", "Malformed code_verifier.");

  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  if (!constantTimeEqual(base64url.encode(new Uint8Array(digest)), challenge)) {
    throw new OAuthError("invalid_grant", "code_verifier does not match the code_challenge.");
  }
}
