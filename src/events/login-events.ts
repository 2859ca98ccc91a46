import type { JWTPayload } from "jose";
import type { AuthorizationRequest } from "../oidc/authorize/request";
import type { EventFields } from "./catalogue";

/**
 * The fields of a sign-in or sign-up event, with Keycloak's details: the pending request's
 * client and redirect_uri, and the username as typed (Keycloak records it; it is no secret).
 */
export function loginEvent(
  pending: AuthorizationRequest | undefined,
  fields: { userId?: string; sessionId?: string; error?: string; username: string },
): EventFields {
  const details = {
    auth_method: "openid-connect",
    ...(pending && { redirect_uri: pending.redirectUri, response_type: pending.responseType }),
    username: fields.username.slice(0, 320),
  };
  return {
    clientId: pending?.client.clientId,
    userId: fields.userId,
    sessionId: fields.sessionId,
    error: fields.error,
    details,
  };
}

/** The fields of a consent event: the client asking, the person answering, what scope. */
export function consentEvent(
  pending: AuthorizationRequest,
  session: { id: string; userId: string },
): EventFields {
  return {
    clientId: pending.client.clientId,
    userId: session.userId,
    sessionId: session.id,
    details: { scope: pending.scope, redirect_uri: pending.redirectUri },
  };
}

/** The fields of a userinfo read: which client's token, whose data, what scope. */
export function userinfoEvent(claims: JWTPayload, userId: string, scope: string): EventFields {
  return {
    clientId: typeof claims.azp === "string" ? claims.azp : null,
    userId,
    sessionId: typeof claims.sid === "string" ? claims.sid : null,
    details: { scope },
  };
}
