import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
} from "jose";
import { sha256 } from "../../crypto/digest";
import { OAuthError } from "../../http/errors";
import { DPOP_SIGNING_ALGS } from "./algorithms";
import { normalizedHtu } from "./htu";

/** How old a proof may be (RFC 9449 §11.1): long enough for one request to travel. */
export const MAX_PROOF_AGE_SECONDS = 60;
/** How far ahead of our clock a client's may run. */
export const MAX_CLOCK_SKEW_SECONDS = 10;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** JWK members that only a private or symmetric key has (RFC 7518 §6). */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/** The request a proof must be for. */
export interface ProofRequest {
  method: string;
  url: string;
  /** The access token presented with the proof, at a protected resource (RFC 9449 §7). */
  accessToken?: string;
  now: number;
}

/** What a valid proof establishes. */
export interface VerifiedProof {
  /** The JWK SHA-256 thumbprint (RFC 7638) of the proof's key: what tokens are bound to. */
  jkt: string;
  jti: string;
  iat: number;
  nonce?: string;
}

function invalid(description: string): never {
  throw new OAuthError("invalid_dpop_proof", description);
}

/** RFC 9449 §4.2-4.3 steps 3-6: the header names a supported alg and a public key. */
function checkHeader(proof: string): JWK {
  if (proof.length > 8192 || !COMPACT_JWS.test(proof)) invalid("The DPoP proof is not a JWT.");
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    invalid("The DPoP proof is not a JWT.");
  }

  if (header.typ !== "dpop+jwt") invalid('The DPoP proof\'s typ must be "dpop+jwt".');
  if (!(DPOP_SIGNING_ALGS as readonly string[]).includes(String(header.alg))) {
    invalid("The DPoP proof's alg is not supported.");
  }
  const jwk = header.jwk;
  if (typeof jwk !== "object" || jwk === null) invalid("The DPoP proof has no jwk.");
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
    invalid("The DPoP proof's jwk must be a public key.");
  }
  return jwk;
}

/** Step 7: the signature verifies with the header's own key. */
async function verifySignature(proof: string): Promise<JWTPayload> {
  const verified = await jwtVerify(proof, EmbeddedJWK, {
    typ: "dpop+jwt",
    algorithms: [...DPOP_SIGNING_ALGS],
  }).catch(() => invalid("The DPoP proof's signature does not verify."));
  return verified.payload;
}

/** Steps 8-12: the claims name this request, recently, and the token presented with it. */
async function checkClaims(claims: JWTPayload, request: ProofRequest) {
  const { jti, htm, htu, iat, ath, nonce } = claims;
  if (typeof jti !== "string" || jti === "" || jti.length > 256) {
    invalid("The DPoP proof needs a jti.");
  }
  if (htm !== request.method) invalid("The DPoP proof's htm does not match the request.");

  const expectedHtu = normalizedHtu(request.url);
  if (typeof htu !== "string" || normalizedHtu(htu) !== expectedHtu) {
    invalid("The DPoP proof's htu does not match the request.");
  }
  if (typeof iat !== "number" || !Number.isFinite(iat)) invalid("The DPoP proof needs an iat.");
  if (iat < request.now - MAX_PROOF_AGE_SECONDS || iat > request.now + MAX_CLOCK_SKEW_SECONDS) {
    invalid("The DPoP proof's iat is outside the accepted window.");
  }
  if (nonce !== undefined && typeof nonce !== "string") invalid("The DPoP nonce is malformed.");

  // RFC 9449 §4.3 step 12: ath is the base64url SHA-256 of the access token.
  if (request.accessToken !== undefined && ath !== (await sha256(request.accessToken))) {
    invalid("The DPoP proof's ath does not match the access token.");
  }
  return { jti, iat, nonce };
}

/**
 * Verifies a DPoP proof JWT (RFC 9449 §4.3) for one request: everything but the server
 * nonce and the single use of its `jti`, which need state and are checked by the caller.
 */
export async function verifyProof(proof: string, request: ProofRequest): Promise<VerifiedProof> {
  const jwk = checkHeader(proof);
  const claims = await verifySignature(proof);
  const checked = await checkClaims(claims, request);
  return { ...checked, jkt: await calculateJwkThumbprint(jwk, "sha256") };
}
