import type { Context } from "hono";
import type { AppEnv } from "../../config";
import { recordProofJti } from "../../db/dpop-proof-jtis";
import { OAuthError } from "../../http/errors";
import { nowSeconds } from "../../time";
import { currentNonce, isFreshNonce } from "./nonce";
import { MAX_PROOF_AGE_SECONDS, type VerifiedProof, verifyProof } from "./proof";

/**
 * Checks the request's `DPoP` header, if any (RFC 9449 §4.3): a valid proof for this very
 * request, with a fresh server nonce where the realm asks for one (§8), and a `jti` not seen
 * before for its key (§11.1). Where nonces are in use, every answer carries a fresh one.
 * Undefined when the request carries no proof.
 */
export async function checkDpopProof(
  c: Context<AppEnv>,
  accessToken?: string,
): Promise<VerifiedProof | undefined> {
  const { realm } = c.var;
  const now = nowSeconds();
  const secret = c.env.KEY_ENCRYPTION_SECRET;
  if (realm.dpopNonceRequired) c.header("DPoP-Nonce", await currentNonce(secret, realm.id, now));

  const header = c.req.header("dpop");
  if (header === undefined) return undefined;
  const proof = await verifyProof(header, {
    method: c.req.method,
    url: c.req.url,
    accessToken,
    now,
  });

  if (realm.dpopNonceRequired) {
    const fresh = proof.nonce && (await isFreshNonce(secret, realm.id, proof.nonce, now));
    if (!fresh) throw new OAuthError("use_dpop_nonce", "Use the server's DPoP nonce.");
  }

  const expiresAt = proof.iat + MAX_PROOF_AGE_SECONDS;
  if (!(await recordProofJti(c.var.db, realm.id, proof.jkt, proof.jti, expiresAt))) {
    throw new OAuthError("invalid_dpop_proof", "The DPoP proof was already used.");
  }
  return proof;
}
