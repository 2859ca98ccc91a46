import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { BACKEND_REDIRECT, BACKEND_SECRET, SPA_REDIRECT, seedRealm } from "./realm";

export const SIGNER_REDIRECT = "https://signer.example/cb";
export const HMAC_SECRET = "hmac-client-secret-with-at-least-32-bytes!";
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** The `signer` client's key pair; its public half is registered as `jwks.string`. */
export const signerKeys = await generateKeyPair("ES256", { extractable: true });
/** A key pair nobody registered. */
export const strangerKeys = await generateKeyPair("ES256", { extractable: true });

export const signerJwk = {
  ...(await exportJWK(signerKeys.publicKey)),
  kid: "signer-1",
  use: "sig",
};

/**
 * A realm with `signer` (client-jwt: private_key_jwt with registered keys) and `hmac`
 * (client-secret-jwt), both with service accounts, next to the usual `spa` and `backend`.
 */
export function seedAssertionRealm(signerAttributes: Record<string, string> = {}) {
  return seedRealm({
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT] },
      { clientId: "backend", secret: BACKEND_SECRET, redirectUris: [BACKEND_REDIRECT] },
      {
        clientId: "signer",
        clientAuthenticatorType: "client-jwt",
        secret: "a secret signer must not use",
        serviceAccountsEnabled: true,
        redirectUris: [SIGNER_REDIRECT],
        attributes: {
          "use.jwks.string": "true",
          "jwks.string": JSON.stringify({ keys: [signerJwk] }),
          ...signerAttributes,
        },
      },
      {
        clientId: "hmac",
        clientAuthenticatorType: "client-secret-jwt",
        secret: HMAC_SECRET,
        serviceAccountsEnabled: true,
      },
    ],
  });
}

/** Claims of a fresh assertion by `clientId` for `audience`; `claims` adds or overrides. */
export function assertionClaims(clientId: string, audience: string, claims: JWTPayload = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: clientId,
    sub: clientId,
    aud: audience,
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 60,
    ...claims,
  };
}

/** Signs claims as a JWT with a private key (ES256 unless told) or an HMAC secret (HS256). */
export function signAssertion(
  claims: JWTPayload,
  key: CryptoKey | string = signerKeys.privateKey,
  alg = typeof key === "string" ? "HS256" : "ES256",
): Promise<string> {
  const secret = typeof key === "string" ? new TextEncoder().encode(key) : key;
  const kid = typeof key === "string" ? undefined : "signer-1";
  return new SignJWT(claims).setProtectedHeader({ alg, kid }).sign(secret);
}

/** The form fields of JWT client authentication (RFC 7523 §2.2). */
export function assertionFields(assertion: string, clientId?: string) {
  const fields: Record<string, string> = {
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
  };
  if (clientId !== undefined) fields.client_id = clientId;
  return fields;
}
