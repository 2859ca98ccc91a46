/**
 * The JWS algorithms Latchkey accepts from clients, for client assertions (RFC 7523) and
 * request objects (RFC 9101). Never `none` for authentication (RFC 7523 §3, item 9), and
 * never HMAC where a public key is registered: a public key used as an HMAC secret would let
 * anyone sign.
 */
export const ASYMMETRIC_ALGS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
] as const;

/** HMAC with the client secret: client_secret_jwt (OpenID Connect Core §9). */
export const SYMMETRIC_ALGS = ["HS256", "HS384", "HS512"] as const;

export type AsymmetricAlg = (typeof ASYMMETRIC_ALGS)[number];

/** Keycloak's `request.object.signature.alg` values that let a client send unsigned objects. */
export const UNSIGNED_REQUEST_OBJECT_SETTINGS = ["none", "any"] as const;
