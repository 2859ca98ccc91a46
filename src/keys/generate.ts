import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";

/**
 * The algorithms every realm signs with: ES256 for access tokens by default, RS256 because
 * OpenID Connect requires it for ID tokens by default, EdDSA (Ed25519) for clients that ask.
 */
export const SIGNING_ALGS = ["ES256", "RS256", "EdDSA"] as const;

export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** Whether a configured value names an algorithm realms sign with. */
export function isSigningAlg(value: string): value is SigningAlg {
  return (SIGNING_ALGS as readonly string[]).includes(value);
}

/** A freshly generated key pair as JWKs, named by its RFC 7638 thumbprint. */
export interface GeneratedKey {
  kid: string;
  alg: SigningAlg;
  /** Public members plus `kid`, `alg` and `use`: ready for the JWKS. */
  publicJwk: JWK;
  /** The full private JWK; seal it before it leaves memory. */
  privateJwk: JWK;
}

/** Generates a signing key pair for `alg` and exports both halves as JWKs. */
export async function generateSigningKey(alg: SigningAlg): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);

  // RFC 7638 hashes only the required public members, so the kid names the key, not its metadata.
  const kid = await calculateJwkThumbprint(publicJwk, "sha256");

  return {
    kid,
    alg,
    publicJwk: { ...publicJwk, kid, alg, use: "sig" },
    privateJwk: { ...privateJwk, kid, alg },
  };
}
