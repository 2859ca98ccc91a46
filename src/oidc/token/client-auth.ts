import type { Context } from "hono";
import { decodeJwt } from "jose";
import type { AppEnv } from "../../config";
import { constantTimeEqual, sha256 } from "../../crypto/digest";
import { type Client, findClient } from "../../db/clients";
import { OAuthError } from "../../http/errors";
import type { Params } from "../../http/params";
import { JWT_BEARER, verifyClientAssertion } from "./client-assertion";

export type ClientAuthMethod =
  | "client_secret_basic"
  | "client_secret_post"
  | "client_assertion"
  | "none";

interface Presented {
  clientId: string;
  secret?: string;
  assertion?: string;
  method: ClientAuthMethod;
}

/** RFC 6749 §2.3.1: the Basic credentials are form-urlencoded before base64. */
function decodeBasic(header: string): { clientId: string; secret: string } {
  let decoded: string;
  try {
    decoded = atob(header.slice("Basic ".length).trim());
  } catch {
    throw new OAuthError("invalid_client", "Malformed Basic credentials.");
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new OAuthError("invalid_client", "Malformed Basic credentials.");
  try {
    const form = (value: string) => decodeURIComponent(value.replace(/\+/g, " "));
    return { clientId: form(decoded.slice(0, colon)), secret: form(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError("invalid_client", "Malformed Basic credentials.");
  }
}

/**
 * RFC 7521 §4.2: a client assertion names its client in `sub`, so client_id may be left out;
 * the assertion's signature is checked later, against the client it names.
 */
function presentedAssertion(params: Params): Presented {
  const assertion = params.client_assertion;
  if (params.client_assertion_type !== JWT_BEARER || assertion === undefined) {
    throw new OAuthError("invalid_client", "Unsupported client assertion.");
  }
  if (params.client_secret !== undefined) {
    throw new OAuthError("invalid_request", "Use one client authentication method.");
  }

  let sub: unknown;
  try {
    sub = decodeJwt(assertion).sub;
  } catch {
    throw new OAuthError("invalid_client", "Malformed client assertion.");
  }
  const clientId = params.client_id ?? sub;
  if (typeof clientId !== "string" || clientId === "") {
    throw new OAuthError("invalid_client", "The client assertion names no client.");
  }
  return { clientId, assertion, method: "client_assertion" };
}

/** Which method the client used; using more than one is refused (RFC 6749 §2.3). */
function presentedCredentials(authorization: string | undefined, params: Params): Presented {
  const basic = authorization?.toLowerCase().startsWith("basic ") ? authorization : undefined;
  const asserted =
    params.client_assertion !== undefined || params.client_assertion_type !== undefined;

  if (asserted) {
    if (basic) throw new OAuthError("invalid_request", "Use one client authentication method.");
    return presentedAssertion(params);
  }

  if (basic) {
    if (params.client_secret !== undefined) {
      throw new OAuthError("invalid_request", "Use one client authentication method.");
    }
    const { clientId, secret } = decodeBasic(basic);
    if (params.client_id !== undefined && params.client_id !== clientId) {
      throw new OAuthError("invalid_client", "client_id does not match the credentials.");
    }
    return { clientId, secret, method: "client_secret_basic" };
  }

  if (params.client_id === undefined) {
    throw new OAuthError("invalid_client", "Client authentication is required.");
  }
  if (params.client_secret !== undefined) {
    return {
      clientId: params.client_id,
      secret: params.client_secret,
      method: "client_secret_post",
    };
  }
  return { clientId: params.client_id, method: "none" };
}

/**
 * The audiences a client assertion may name (RFC 7523 §3, item 3): the issuer, the token
 * endpoint, or the endpoint it is sent to (introspection, revocation, PAR).
 */
function assertionAudiences(c: Context<AppEnv>): string[] {
  const called = new URL(c.req.url);
  return [
    c.var.issuer,
    `${c.var.issuer}/protocol/openid-connect/token`,
    `${called.origin}${called.pathname}`,
  ];
}

/**
 * Authenticates the client at the token endpoint and its siblings. Confidential clients prove
 * their secret, compared as SHA-256 digests in constant time, or sign a JWT assertion, each
 * only by the method it registered; public clients identify themselves only.
 */
export async function authenticateClient(c: Context<AppEnv>, params: Params): Promise<Client> {
  const presented = presentedCredentials(c.req.header("authorization"), params);
  const client = await findClient(c.var.db, c.var.realm.id, presented.clientId);
  const secretHash = presented.secret === undefined ? undefined : await sha256(presented.secret);

  if (!client?.enabled) {
    throw new OAuthError("invalid_client", "Client authentication failed.");
  }
  if (client.publicClient) {
    if (presented.method !== "none") {
      throw new OAuthError("invalid_client", "Public clients have no secret.");
    }
    c.set("client", client);
    return client;
  }
  if (presented.assertion !== undefined) {
    await verifyClientAssertion(c, client, presented.assertion, assertionAudiences(c));
    c.set("client", client);
    return client;
  }
  if (
    client.clientAuthenticatorType !== "client-secret" ||
    secretHash === undefined ||
    client.secretHash === null ||
    !constantTimeEqual(secretHash, client.secretHash)
  ) {
    throw new OAuthError("invalid_client", "Client authentication failed.");
  }
  c.set("client", client);
  return client;
}
