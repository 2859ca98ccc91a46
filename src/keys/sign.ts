import { createLocalJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from "jose";
import { SIGNING_ALGS, type SigningAlg } from "./generate";
import type { RealmKeys } from "./realm-keys";

// Only what realms sign with: never `none`, never HMAC with a public key as the secret.
const ALGORITHMS: SigningAlg[] = [...SIGNING_ALGS];

// createLocalJWKSet caches imported keys inside the getter, so keep one per RealmKeys.
const keySets = new WeakMap<RealmKeys, JWTVerifyGetKey>();

/** Signs `payload` as a JWT with the realm's active key for `alg` (ES256 unless told). */
export function signJwt(
  keys: RealmKeys,
  payload: JWTPayload,
  options: { typ: string; alg?: SigningAlg },
): Promise<string> {
  const alg = options.alg ?? "ES256";
  const { kid, privateKey } = keys.signing[alg];

  return new SignJWT(payload).setProtectedHeader({ alg, kid, typ: options.typ }).sign(privateKey);
}

/** Verifies a JWT against the realm's JWKS and claims; throws jose's errors when it fails. */
export async function verifyJwt(
  keys: RealmKeys,
  token: string,
  options: {
    issuer: string;
    typ?: string;
    audience?: string;
    currentDate?: Date;
    clockTolerance?: number;
  },
): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, keySet(keys), {
    algorithms: ALGORITHMS,
    issuer: options.issuer,
    typ: options.typ,
    audience: options.audience,
    currentDate: options.currentDate,
    clockTolerance: options.clockTolerance,
  });

  return payload;
}

function keySet(keys: RealmKeys): JWTVerifyGetKey {
  let getKey = keySets.get(keys);
  if (!getKey) {
    getKey = createLocalJWKSet(keys.jwks);
    keySets.set(keys, getKey);
  }
  return getKey;
}
