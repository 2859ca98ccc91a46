import type { Context } from "hono";
import type { JWTPayload } from "jose";
import type { AppEnv } from "../config";
import type { OAuthError } from "../http/errors";
import { formParams } from "../http/params";
import type { EventDetails, EventType } from "./catalogue";
import { releasedClaimNames } from "./data-access";
import { emitEvent } from "./record";

/** Keycloak's error event of each grant at the token endpoint. */
const GRANT_ERRORS: Record<string, EventType> = {
  authorization_code: "CODE_TO_TOKEN_ERROR",
  refresh_token: "REFRESH_TOKEN_ERROR",
  client_credentials: "CLIENT_LOGIN_ERROR",
  password: "LOGIN_ERROR",
  "urn:ietf:params:oauth:grant-type:device_code": "OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR",
  "urn:ietf:params:oauth:grant-type:token-exchange": "TOKEN_EXCHANGE_ERROR",
};

/** Keycloak's error event of each token service endpoint other than the token endpoint. */
const ENDPOINT_ERRORS: Record<string, EventType> = {
  introspection: "INTROSPECT_TOKEN_ERROR",
  revocation: "REVOKE_GRANT_ERROR",
  device_authorization: "OAUTH2_DEVICE_AUTH_ERROR",
  pushed_authorization_request: "PUSHED_AUTHORIZATION_REQUEST_ERROR",
};

/**
 * Reports a refused token service request as Keycloak's error event. The form was read
 * already (Hono keeps the body), so its grant_type and client_id cost nothing; an unreadable
 * form reports under the endpoint's own type.
 */
export async function emitTokenServiceError(
  c: Context<AppEnv>,
  endpoint: string,
  error: OAuthError,
): Promise<void> {
  const params = await formParams(c).catch(() => ({}) as Record<string, string>);
  const grantType = params.grant_type;
  const type =
    endpoint === "token"
      ? (GRANT_ERRORS[grantType ?? ""] ?? "CODE_TO_TOKEN_ERROR")
      : ENDPOINT_ERRORS[endpoint];
  if (!type) return;
  const clientId = c.var.client?.clientId ?? params.client_id?.slice(0, 255);
  const details = grantType && endpoint === "token" ? { grant_type: grantType } : undefined;
  emitEvent(c, type, { clientId, error: error.code, details });
}

/** What an active introspection answer showed: its scope and the person's claims in it. */
function introspectionDetails(answer: JWTPayload): EventDetails {
  const scope = typeof answer.scope === "string" ? { scope: answer.scope } : {};
  return { ...scope, claims: releasedClaimNames(answer) };
}

/** Reports an introspection answer: about whom, to which client, what scope it showed. */
export function emitIntrospection<T extends JWTPayload>(
  c: Context<AppEnv>,
  clientId: string,
  answer: T,
): T {
  const active = answer.active === true;
  emitEvent(c, "INTROSPECT_TOKEN", {
    clientId,
    userId: active && typeof answer.sub === "string" ? answer.sub : null,
    sessionId: active && typeof answer.sid === "string" ? answer.sid : null,
    details: active ? introspectionDetails(answer) : {},
  });
  return answer;
}

/** The grant_type behind each token event, as Keycloak's details name it. */
const GRANT_OF = {
  CODE_TO_TOKEN: "authorization_code",
  REFRESH_TOKEN: "refresh_token",
  CLIENT_LOGIN: "client_credentials",
  OAUTH2_DEVICE_CODE_TO_TOKEN: "urn:ietf:params:oauth:grant-type:device_code",
  TOKEN_EXCHANGE: "urn:ietf:params:oauth:grant-type:token-exchange",
} as const;

/** Reports a token the token endpoint issued, with Keycloak's details. */
export function emitTokenIssued(
  c: Context<AppEnv>,
  type: keyof typeof GRANT_OF,
  issued: { clientId: string; userId: string; sessionId?: string; scope: string; claims?: string },
) {
  const { clientId, userId, sessionId, scope, claims } = issued;
  const details = { grant_type: GRANT_OF[type], scope, ...(claims ? { claims } : {}) };
  emitEvent(c, type, { clientId, userId, sessionId, details });
}

/** Whose grant a revocation ended, from the verified token's subject. */
export function revokedSubject(presented: { claims: JWTPayload } | undefined): string | null {
  return typeof presented?.claims.sub === "string" ? presented.claims.sub : null;
}
