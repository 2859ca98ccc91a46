import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { decodeJwt } from "jose";
import type { AppEnv } from "../config";
import { findClient } from "../db/clients";
import { realmHasWebOrigin } from "../db/web-origins";
import { formParams, requestParams } from "./params";

const ALLOW_HEADERS = "Authorization, Content-Type, DPoP";
const MAX_AGE_SECONDS = "3600";

/** Discovery and keys are public and cookie-less: any origin may read them, as in Keycloak. */
export const publicCors = cors({
  origin: "*",
  allowHeaders: ["Authorization", "Content-Type", "DPoP"],
});

/** Finds the client_id a request speaks for, or undefined; never throws for bad input. */
export type RequestClientId = (c: Context<AppEnv>) => Promise<string | undefined>;

/**
 * CORS for an endpoint that browsers' scripts call on behalf of one client: an origin may read
 * the answer, credentials included, only if that client registers it as a web origin
 * (Keycloak's `webOrigins`). The exact origin is echoed, never `*` or `null`; an unknown
 * origin gets no CORS headers, so the browser withholds the answer from the script.
 */
export function clientCors(
  methods: readonly string[],
  requestClientId: RequestClientId,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (c.req.method === "OPTIONS") return preflight(c, origin, methods);

    await next();
    c.header("Vary", "Origin", { append: true });
    if (!isOrigin(origin)) return;

    const clientId = await requestClientId(c).catch(() => undefined);
    if (clientId === undefined) return;
    // The endpoint already loaded the client when it authenticated; look it up only otherwise.
    const known = c.var.client?.clientId === clientId ? c.var.client : undefined;
    const client = known ?? (await findClient(c.var.db, c.var.realm.id, clientId));
    if (client?.enabled && client.webOrigins.includes(origin)) allowOrigin(c, origin);
  };
}

/**
 * A preflight names no client, so it passes when any client of the realm registers the
 * origin; the actual request is then held to its own client's web origins.
 */
async function preflight(
  c: Context<AppEnv>,
  origin: string | undefined,
  methods: readonly string[],
): Promise<Response> {
  c.header("Vary", "Origin");
  if (isOrigin(origin) && (await realmHasWebOrigin(c.var.db, c.var.realm.id, origin))) {
    allowOrigin(c, origin);
    c.header("Access-Control-Allow-Methods", methods.join(", "));
    c.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
    c.header("Access-Control-Max-Age", MAX_AGE_SECONDS);
  }
  return c.body(null, 204);
}

/** `null` (opaque origins: sandboxes, files, some redirects) is never an allowed origin. */
function isOrigin(origin: string | undefined): origin is string {
  return origin !== undefined && origin !== "" && origin !== "null";
}

function allowOrigin(c: Context<AppEnv>, origin: string): void {
  c.header("Access-Control-Allow-Origin", origin);
  c.header("Access-Control-Allow-Credentials", "true");
  // RFC 9449 §8-9: a browser client reads the server nonce and the challenge that asks for it.
  c.header("Access-Control-Expose-Headers", "DPoP-Nonce, WWW-Authenticate");
}

/**
 * The client named at the token and revocation endpoints: the Basic credentials' client_id
 * (RFC 6749 §2.3.1), else the form's. An answer other than an error reaches only a client that
 * authenticated as this client_id, since the endpoint refuses a mismatch.
 */
export const formClientId: RequestClientId = async (c) => {
  const authorization = c.req.header("authorization");
  if (authorization?.toLowerCase().startsWith("basic ")) {
    const decoded = atob(authorization.slice("Basic ".length).trim());
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
  }
  return (await formParams(c)).client_id;
};

/**
 * The client an access token at UserInfo was issued to: its `azp`. Read without verifying:
 * claims are answered only when UserInfo verified this very token, so an unverified `azp`
 * can at most let a registered origin read an error.
 */
export const accessTokenClientId: RequestClientId = async (c) => {
  const authorization = c.req.header("authorization");
  let token: string | undefined;
  const scheme = authorization?.toLowerCase();
  if (scheme?.startsWith("bearer ")) token = authorization?.slice(7).trim();
  else if (scheme?.startsWith("dpop ")) token = authorization?.slice(5).trim();
  else if (c.req.method === "POST" && authorization === undefined) {
    token = (await formParams(c)).access_token;
  }
  if (token === undefined) return undefined;

  const { azp } = decodeJwt(token);
  return typeof azp === "string" ? azp : undefined;
};

/**
 * The client a logout request names: its client_id, else the id_token_hint's `azp`. Read
 * without verifying: the logout endpoint verifies the hint, and an unverified one can at most
 * let an origin registered by that client read an error.
 */
export const logoutClientId: RequestClientId = async (c) => {
  const params = await requestParams(c);
  if (params.client_id !== undefined) return params.client_id;
  if (params.id_token_hint === undefined) return undefined;

  const { azp, aud } = decodeJwt(params.id_token_hint);
  if (typeof azp === "string") return azp;
  return typeof aud === "string" ? aud : undefined;
};
