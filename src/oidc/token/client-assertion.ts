import type { Context } from "hono";
import { type JWTPayload, type JWTVerifyOptions, jwtVerify } from "jose";
import type { AppEnv } from "../../config";
import { recordAssertionJti } from "../../db/client-assertion-jtis";
import { clientSecretKey } from "../../db/client-secret";
import type { Client } from "../../db/clients";
import { OAuthError } from "../../http/errors";
import { nowSeconds } from "../../time";
import { ASYMMETRIC_ALGS, SYMMETRIC_ALGS } from "../client-keys/algorithms";
import { clientKeySet } from "../client-keys/key-set";

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion. */
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** An assertion is made right before it is sent; one valid for longer is refused. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 600;

/** Clocks of client and server may differ a little (RFC 7523 §3, items 4 and 5). */
const CLOCK_TOLERANCE_SECONDS = 30;

const MAX_JTI_LENGTH = 255;

const failed = () => new OAuthError("invalid_client", "Client authentication failed.");

/**
 * The key and algorithms the client's registered method allows: its public keys for
 * private_key_jwt, its sealed secret for client_secret_jwt (OpenID Connect Core §9).
 */
async function verificationKey(c: Context<AppEnv>, client: Client) {
  if (client.clientAuthenticatorType === "client-jwt") {
    const keys = clientKeySet(client);
    if (keys) return { key: keys, algorithms: [...ASYMMETRIC_ALGS] };
  }
  if (client.clientAuthenticatorType === "client-secret-jwt") {
    const secret = await clientSecretKey(c.env.KEY_ENCRYPTION_SECRET, client);
    if (secret) return { key: secret, algorithms: [...SYMMETRIC_ALGS] };
  }
  // A client registered for another method cannot switch to this one.
  throw failed();
}

/**
 * Authenticates a client by its JWT assertion (RFC 7523 §3): signed the way the client is
 * registered for, iss and sub the client_id, aud this server, unexpired and not valid for long,
 * and a `jti` never seen before, recorded in one atomic insert.
 */
export async function verifyClientAssertion(
  c: Context<AppEnv>,
  client: Client,
  assertion: string,
  audiences: string[],
): Promise<void> {
  const { key, algorithms } = await verificationKey(c, client);
  const now = nowSeconds();

  const options: JWTVerifyOptions = {
    algorithms,
    issuer: client.clientId,
    subject: client.clientId,
    audience: audiences,
    requiredClaims: ["exp", "jti"],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    currentDate: new Date(now * 1000),
  };
  let payload: JWTPayload;
  try {
    const verified =
      key instanceof Uint8Array
        ? await jwtVerify(assertion, key, options)
        : await jwtVerify(assertion, key, options);
    payload = verified.payload;
  } catch {
    throw failed();
  }

  // RFC 7523 §3, item 4: exp is required; a far one would make the jti store grow unbounded.
  const exp = payload.exp as number;
  if (exp > now + MAX_ASSERTION_LIFETIME_SECONDS) throw failed();

  // RFC 7523 §3, item 7: the same jti is refused while the assertion could still be valid.
  const jti = payload.jti as string;
  if (jti.length > MAX_JTI_LENGTH) throw failed();
  const expiresAt = exp + CLOCK_TOLERANCE_SECONDS;
  if (!(await recordAssertionJti(c.var.db, client.id, jti, expiresAt))) throw failed();
}
