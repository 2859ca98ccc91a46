import type { Context } from "hono";
import type { JWTPayload } from "jose";
import type { AppEnv } from "../../config";
import type { Client } from "../../db/clients";
import { OAuthError } from "../../http/errors";
import { checkDpopProof } from "./check";

/**
 * The key a token request's tokens are bound to (RFC 9449 §5): its DPoP proof's, if it sent
 * one. A client with Keycloak's `dpop.bound.access.tokens` must send one.
 */
export async function tokenRequestKey(
  c: Context<AppEnv>,
  client: Client,
): Promise<string | undefined> {
  const proof = await checkDpopProof(c);
  if (!proof && client.dpopBoundAccessTokens) {
    throw new OAuthError("invalid_dpop_proof", "This client must send a DPoP proof.");
  }
  return proof?.jkt;
}

/** RFC 9449 §6.1: the confirmation claim of a token bound to a key, none for a bearer token. */
export function confirmation(jkt: string | undefined): { cnf?: { jkt: string } } {
  return jkt === undefined ? {} : { cnf: { jkt } };
}

/** RFC 9449 §5: a bound access token is of type DPoP. */
export function tokenType(jkt: string | undefined): "DPoP" | "Bearer" {
  return jkt === undefined ? "Bearer" : "DPoP";
}

/** The thumbprint a token's `cnf` claim binds it to, if any. */
export function boundJkt(claims: JWTPayload): string | undefined {
  const cnf = claims.cnf;
  if (typeof cnf !== "object" || cnf === null) return undefined;
  const jkt = (cnf as Record<string, unknown>).jkt;
  return typeof jkt === "string" ? jkt : undefined;
}

/**
 * RFC 9449 §5: a token or code bound to a key is redeemed only with a proof of that key;
 * checked before anything is spent, so a thief without the key leaves it usable.
 */
export function requireSameKey(bound: string | null | undefined, presented: string | undefined) {
  if (bound && bound !== presented) {
    throw new OAuthError("invalid_dpop_proof", "A DPoP proof of the bound key is required.");
  }
}
