/**
 * The asymmetric JWS algorithms a DPoP proof may be signed with (RFC 9449 §4.2), as listed
 * in discovery's `dpop_signing_alg_values_supported`. jose verifies each of them on Workers.
 */
export const DPOP_SIGNING_ALGS = [
  "ES256",
  "ES384",
  "ES512",
  "PS256",
  "PS384",
  "PS512",
  "RS256",
  "RS384",
  "RS512",
  "EdDSA",
  "Ed25519",
] as const;
