import type { Context } from "hono";
import type { JWTPayload } from "jose";
import type { AppEnv } from "../../config";
import { OAuthError } from "../../http/errors";
import { DPOP_SIGNING_ALGS } from "./algorithms";
import { boundJkt } from "./binding";
import { checkDpopProof } from "./check";

/** How an access token came to a protected resource: RFC 6750 §2 or RFC 9449 §7.1. */
export interface PresentedAccessToken {
  scheme: "Bearer" | "DPoP";
  token: string;
}

/**
 * RFC 9449 §7: a DPoP-bound access token is accepted only with the DPoP scheme and a proof of
 * its key for this request, carrying the token's hash; a bearer token only as a bearer token.
 */
export async function checkPossession(
  c: Context<AppEnv>,
  presented: PresentedAccessToken,
  claims: JWTPayload,
): Promise<void> {
  const bound = boundJkt(claims);
  if (presented.scheme === "Bearer") {
    if (bound) throw new OAuthError("invalid_token", "A DPoP-bound token needs the DPoP scheme.");
    return;
  }
  if (!bound) throw new OAuthError("invalid_token", "The access token is not DPoP-bound.");

  const proof = await checkDpopProof(c, presented.token);
  if (!proof) throw new OAuthError("invalid_dpop_proof", "A DPoP proof is required.");
  if (proof.jkt !== bound) {
    throw new OAuthError("invalid_dpop_proof", "The DPoP proof's key is not the token's.");
  }
}

/** RFC 9449 §7.1: the DPoP challenge names the error and the algorithms a proof may use. */
export function dpopChallenge(realmName: string, error?: OAuthError): string {
  const algs = `algs="${DPOP_SIGNING_ALGS.join(" ")}"`;
  if (!error) return `DPoP realm="${realmName}", ${algs}`;
  return (
    `DPoP realm="${realmName}", error="${error.code}", ` +
    `error_description="${error.description}", ${algs}`
  );
}
