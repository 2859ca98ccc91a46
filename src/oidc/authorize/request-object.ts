import type { Context } from "hono";
import {
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
  UnsecuredJWT,
} from "jose";
import type { AppEnv } from "../../config";
import type { Client } from "../../db/clients";
import { OAuthError } from "../../http/errors";
import type { Params } from "../../http/params";
import { ASYMMETRIC_ALGS, UNSIGNED_REQUEST_OBJECT_SETTINGS } from "../client-keys/algorithms";
import { clientKeySet } from "../client-keys/key-set";

/** Clocks of client and server may differ a little when `exp` or `nbf` are present. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** JWT claims about the object itself, not authorization request parameters. */
const OBJECT_CLAIMS = new Set(["iss", "aud", "exp", "iat", "nbf", "jti", "sub"]);

const invalid = (description: string) => new OAuthError("invalid_request_object", description);

/** Whether the client registered `none` or `any` (Keycloak's request.object.signature.alg). */
function allowsUnsigned(client: Client): boolean {
  const setting = client.requestObjectSignatureAlg;
  return (UNSIGNED_REQUEST_OBJECT_SETTINGS as readonly string[]).includes(setting ?? "");
}

/** The algorithms the client's objects may be signed with: its registered one, or any we take. */
function allowedAlgs(client: Client): string[] {
  const setting = client.requestObjectSignatureAlg;
  return setting && (ASYMMETRIC_ALGS as readonly string[]).includes(setting)
    ? [setting]
    : [...ASYMMETRIC_ALGS];
}

/**
 * Verifies the object's signature with the client's registered keys; an unsigned object only
 * when the client allows it (OpenID Connect Core §6.1).
 */
async function verifiedClaims(client: Client, request: string, issuer: string) {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(request).alg;
  } catch {
    throw invalid("The request object is not a JWT.");
  }

  const options: JWTVerifyOptions = { clockTolerance: CLOCK_TOLERANCE_SECONDS };
  // RFC 9101 §6.3: iss names the client and aud this server, when they are present.
  const claims = (payload: JWTPayload) => {
    if (payload.iss !== undefined && payload.iss !== client.clientId) {
      throw invalid("The request object's iss is not the client.");
    }
    const aud = [payload.aud ?? []].flat();
    if (payload.aud !== undefined && !aud.includes(issuer)) {
      throw invalid("The request object's aud is not this server.");
    }
    return payload;
  };

  if (alg === "none") {
    if (!allowsUnsigned(client)) throw invalid("Unsigned request objects are not allowed.");
    try {
      return claims(UnsecuredJWT.decode(request, options).payload);
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      throw invalid("The request object is not valid.");
    }
  }

  const keys = clientKeySet(client);
  if (!keys) throw invalid("The client has no keys to verify request objects with.");
  try {
    const { payload } = await jwtVerify(request, keys, {
      ...options,
      algorithms: allowedAlgs(client),
    });
    return claims(payload);
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw invalid("The request object's signature or claims are not valid.");
  }
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string");
}

/**
 * The parameters of an authorization request sent as a request object (OpenID Connect Core
 * §6.1, RFC 9101): those inside the object win over those outside it (§6.3.3), and the
 * object's client_id must be the one the request names.
 */
export async function requestObjectParams(
  c: Context<AppEnv>,
  client: Client,
  outer: Params,
): Promise<Params> {
  const payload = await verifiedClaims(client, outer.request ?? "", c.var.issuer);

  if (payload.client_id !== undefined && payload.client_id !== client.clientId) {
    throw invalid("The request object's client_id does not match.");
  }
  // RFC 9101 §4: an object may not point at another object.
  if (payload.request !== undefined || payload.request_uri !== undefined) {
    throw invalid("A request object cannot hold request or request_uri.");
  }

  const inner: Params = {};
  for (const [name, value] of Object.entries(payload)) {
    if (OBJECT_CLAIMS.has(name)) continue;
    if (typeof value === "string") inner[name] = value;
    else if (typeof value === "number") inner[name] = String(value);
    // OpenID Connect Core §6.1: `claims` is a JSON object in the request object.
    else if (name === "claims" && isObject(value)) inner[name] = JSON.stringify(value);
    // RFC 8707 §2: several resources are an array, kept space-separated like repeated ones.
    else if (name === "resource" && isStringList(value)) inner[name] = value.join(" ");
    else throw invalid(`The request object's ${name} is not a string.`);
  }
  const { request: _object, ...rest } = outer;
  return { ...rest, ...inner, client_id: client.clientId };
}
