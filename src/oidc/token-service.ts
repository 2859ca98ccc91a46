import type { Context } from "hono";
import { decodeProtectedHeader, type JWTPayload } from "jose";
import { z } from "zod";
import type { AppEnv } from "../config";
import { emitTokenServiceError } from "../events/protocol-events";
import { afterResponse } from "../events/record";
import type { OAuthError } from "../http/errors";
import { logEvent } from "../http/log";
import { realmKeys } from "../keys/realm-keys";
import { verifyJwt } from "../keys/sign";

/**
 * RFC 7009 §2.1 and RFC 7662 §2.1 parameters. `token_type_hint` may be ignored: every token
 * says what it is in its signed `typ`, so an unknown hint is no error.
 */
export const presentedTokenParams = z.object({
  token: z.string().max(8192),
  token_type_hint: z.string().max(64).optional(),
});

/** A token this realm signed, by what it is for. */
export type PresentedToken =
  | { kind: "access_token"; claims: JWTPayload }
  | { kind: "refresh_token"; claims: JWTPayload }
  | { kind: "other"; claims: JWTPayload };

/**
 * Verifies a token presented to revocation or introspection: signed with this realm's keys,
 * by this issuer, unexpired. Anything else is undefined: for both endpoints, not a token.
 */
export async function readPresentedToken(
  c: Context<AppEnv>,
  token: string,
): Promise<PresentedToken | undefined> {
  const keys = await realmKeys(c.env, c.var.realm.id);
  const claims = await verifyJwt(keys, token, { issuer: c.var.issuer }).catch(() => undefined);
  if (!claims) return undefined;

  if (claims.typ === "Refresh" || claims.typ === "Offline") {
    return { kind: "refresh_token", claims };
  }
  // RFC 9068 §2.1: an access token says so in its header too.
  if (claims.typ === "Bearer" && decodeProtectedHeader(token).typ === "at+jwt") {
    return { kind: "access_token", claims };
  }
  return { kind: "other", claims };
}

/**
 * Answers a protocol error of the token, revocation or introspection endpoint: a failed
 * client authentication gets 401 with a challenge (RFC 6749 §5.2).
 */
export function tokenServiceError(
  c: Context<AppEnv>,
  error: OAuthError,
  endpoint:
    | "token"
    | "revocation"
    | "introspection"
    | "device_authorization"
    | "pushed_authorization_request",
): Response {
  logEvent("token.failed", { realm: c.var.realm.id, endpoint, error: error.code });
  afterResponse(c, emitTokenServiceError(c, endpoint, error));

  if (error.code === "invalid_client") {
    c.header("WWW-Authenticate", `Basic realm="${c.var.realm.name}"`);
  }
  return c.json(error.toJSON(), error.status as 400);
}
