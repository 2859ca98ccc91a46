import type { JWTPayload } from "jose";
import type { AuthorizationRequest } from "../oidc/authorize/request";
import type { EventFields } from "./catalogue";
import { releasedClaimNames } from "./data-access";

/**
 * The fields of a sign-in or sign-up event, with Keycloak's details: the pending request's
 * client and redirect_uri, and the username as typed (Keycloak records it; it is no secret).
 */
export function loginEvent(
  pending: AuthorizationRequest | undefined,
  username: string,
  fields: { userId?: string; sessionId?: string; error?: string } = {},
): EventFields {
  const details = {
    auth_method: "openid-connect",
    ...(pending && { redirect_uri: pending.redirectUri, response_type: pending.responseType }),
    username: username.slice(0, 320),
  };
  return { clientId: pending?.client.clientId, ...fields, details };
}

/** A sign-in or sign-up event for a passkey ceremony: `auth_method` says so. */
export function passkeyEvent(
  pending: AuthorizationRequest | undefined,
  username: string,
  fields: { userId?: string; sessionId?: string; error?: string } = {},
): EventFields {
  const event = loginEvent(pending, username, fields);
  return { ...event, details: { ...event.details, auth_method: "passkey" } };
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
export function userinfoEvent(
  claims: JWTPayload,
  userId: string,
  scope: string,
  answer: object,
): EventFields {
  return {
    clientId: typeof claims.azp === "string" ? claims.azp : null,
    userId,
    sessionId: typeof claims.sid === "string" ? claims.sid : null,
    details: { scope, claims: releasedClaimNames(answer) },
  };
}

/** The fields of a device user code answer: approved, or Keycloak's `rejected_by_user`. */
export function deviceAnswerEvent(
  client: { clientId: string },
  session: { id: string; userId: string },
  approved: boolean,
): EventFields {
  const error = approved ? null : "rejected_by_user";
  return { clientId: client.clientId, userId: session.userId, sessionId: session.id, error };
}

/** The fields of a logout: the person is named only when the ended session is theirs. */
export function logoutEvent(
  ended: string,
  current: { id: string; userId: string } | undefined,
  client: { clientId: string } | undefined,
): EventFields {
  const userId = current?.id === ended ? current.userId : null;
  return { sessionId: ended, clientId: client?.clientId, userId };
}
