import { SELF } from "cloudflare:test";
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { sha256 } from "../../../src/crypto/digest";
import { basicAuthorization, spaCode } from "./clients";
import { tokenRequest } from "./oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, SPA_REDIRECT, seedRealm } from "./realm";

/** A client's DPoP key pair (RFC 9449 §2), with the public JWK and its thumbprint. */
export interface DpopKey {
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

export async function dpopKey(alg = "ES256"): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, "sha256") };
}

export interface ProofOptions {
  htm?: string;
  /** Claims added, replaced or (with undefined) removed. */
  claims?: JWTPayload;
  header?: Record<string, unknown>;
  /** The access token whose hash becomes `ath`. */
  accessToken?: string;
  nonce?: string;
}

/** A DPoP proof JWT (RFC 9449 §4.2) for `htu`, fresh unless the options say otherwise. */
export async function dpopProof(key: DpopKey, htu: string, options: ProofOptions = {}) {
  const claims: JWTPayload = {
    jti: crypto.randomUUID(),
    htm: options.htm ?? "POST",
    htu,
    iat: Math.floor(Date.now() / 1000),
    ...(options.accessToken ? { ath: await sha256(options.accessToken) } : {}),
    ...(options.nonce ? { nonce: options.nonce } : {}),
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) delete claims[name];
  }
  return new SignJWT(claims)
    .setProtectedHeader({ typ: "dpop+jwt", alg: key.alg, jwk: key.jwk, ...options.header })
    .sign(key.privateKey);
}

/** A JWS with any header, signed or not: for algorithms jose would refuse to produce. */
export function rawJws(header: Record<string, unknown>, claims: JWTPayload, signature = "") {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  return `${part(header)}.${part(claims)}.${signature}`;
}

export const WORKER_SECRET = "worker-secret";

/** A realm whose confidential client `worker` has a service account, plus `spa` and `backend`. */
export function seedDpopRealm(settings: Record<string, unknown> = {}, workerAttributes = {}) {
  return seedRealm({
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT] },
      { clientId: "backend", secret: BACKEND_SECRET, redirectUris: [BACKEND_REDIRECT] },
      {
        clientId: "worker",
        secret: WORKER_SECRET,
        serviceAccountsEnabled: true,
        attributes: workerAttributes,
      },
    ],
    ...settings,
  });
}

/** A client_credentials request of `worker`, with a DPoP proof when one is given. */
export function workerTokenRequest(oidc: string, proof?: string) {
  return tokenRequest(
    oidc,
    { grant_type: "client_credentials" },
    {
      authorization: basicAuthorization("worker", WORKER_SECRET),
      ...(proof === undefined ? {} : { dpop: proof }),
    },
  );
}

/** Signs ada in for `spa` and exchanges the code with a proof of `key`. */
export async function spaDpopTokens(oidc: string, key: DpopKey, extra = {}) {
  const { code, verifier } = await spaCode(oidc, extra);
  const fields = {
    grant_type: "authorization_code",
    client_id: "spa",
    redirect_uri: SPA_REDIRECT,
    code,
    code_verifier: verifier,
  };
  const response = await tokenRequest(oidc, fields, {
    dpop: await dpopProof(key, `${oidc}/token`),
  });
  return (await response.json()) as Record<string, string>;
}

/** GETs UserInfo with `Authorization: DPoP` and the given proof. */
export function dpopUserinfo(oidc: string, accessToken: string, proof?: string) {
  return SELF.fetch(`${oidc}/userinfo`, {
    headers: {
      authorization: `DPoP ${accessToken}`,
      ...(proof === undefined ? {} : { dpop: proof }),
    },
  });
}

/** A refresh of `spa`, with a DPoP proof when one is given. */
export function spaDpopRefresh(oidc: string, refreshToken: string, proof?: string) {
  return tokenRequest(
    oidc,
    { grant_type: "refresh_token", client_id: "spa", refresh_token: refreshToken },
    proof === undefined ? {} : { dpop: proof },
  );
}
