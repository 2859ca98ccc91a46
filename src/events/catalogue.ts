/**
 * Keycloak's event types (org.keycloak.events.EventType), so tooling written for Keycloak
 * reads Latchkey's events unchanged. Types whose flows do not exist yet are listed too: the
 * catalogue is the contract, and flows report into it as they arrive.
 */
export const EVENT_TYPES = [
  "LOGIN",
  "LOGIN_ERROR",
  "REGISTER",
  "REGISTER_ERROR",
  "LOGOUT",
  "LOGOUT_ERROR",
  "CODE_TO_TOKEN",
  "CODE_TO_TOKEN_ERROR",
  "CLIENT_LOGIN",
  "CLIENT_LOGIN_ERROR",
  "REFRESH_TOKEN",
  "REFRESH_TOKEN_ERROR",
  "INTROSPECT_TOKEN",
  "INTROSPECT_TOKEN_ERROR",
  "USER_INFO_REQUEST",
  "USER_INFO_REQUEST_ERROR",
  "TOKEN_EXCHANGE",
  "TOKEN_EXCHANGE_ERROR",
  "REVOKE_GRANT",
  "REVOKE_GRANT_ERROR",
  "GRANT_CONSENT",
  "GRANT_CONSENT_ERROR",
  "UPDATE_CONSENT",
  "UPDATE_PASSWORD",
  "UPDATE_PASSWORD_ERROR",
  "UPDATE_EMAIL",
  "UPDATE_PROFILE",
  "UPDATE_PROFILE_ERROR",
  "VERIFY_EMAIL",
  "VERIFY_EMAIL_ERROR",
  "SEND_VERIFY_EMAIL",
  "SEND_RESET_PASSWORD",
  "RESET_PASSWORD",
  "RESET_PASSWORD_ERROR",
  "UPDATE_TOTP",
  "REMOVE_TOTP",
  "UPDATE_CREDENTIAL",
  "UPDATE_CREDENTIAL_ERROR",
  "REMOVE_CREDENTIAL",
  "REMOVE_CREDENTIAL_ERROR",
  "FEDERATED_IDENTITY_LINK",
  "IDENTITY_PROVIDER_LOGIN",
  "DELETE_ACCOUNT",
  "USER_DISABLED_BY_TEMPORARY_LOCKOUT",
  "USER_DISABLED_BY_PERMANENT_LOCKOUT",
  "CLIENT_REGISTER",
  "CLIENT_UPDATE",
  "CLIENT_DELETE",
  "OAUTH2_DEVICE_AUTH",
  "OAUTH2_DEVICE_AUTH_ERROR",
  "OAUTH2_DEVICE_VERIFY_USER_CODE",
  "OAUTH2_DEVICE_VERIFY_USER_CODE_ERROR",
  "OAUTH2_DEVICE_CODE_TO_TOKEN",
  "OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR",
  "PUSHED_AUTHORIZATION_REQUEST",
  "PUSHED_AUTHORIZATION_REQUEST_ERROR",
  /** Latchkey's own: a webhook endpoint was switched off after repeated failures. */
  "WEBHOOK_ENDPOINT_DISABLED",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const known = new Set<string>(EVENT_TYPES);

export function isEventType(value: string): value is EventType {
  return known.has(value);
}

/** Keycloak's event detail keys: never a password, code, token or secret. */
export type EventDetails = Partial<
  Record<
    | "auth_method"
    | "auth_type"
    | "redirect_uri"
    | "grant_type"
    | "code_id"
    | "username"
    | "reason"
    | "scope"
    | "consent"
    | "response_type"
    | "response_mode"
    | "token_id"
    | "refresh_token_id"
    | "refresh_token_type"
    | "client_auth_method"
    | "requested_subject"
    | "audience"
    | "revoked_client"
    | "endpoint_id"
    | "credential_type"
    | "credential_id"
    | "credential_user_label"
    /** Latchkey's own: the names (never values) of the person's claims a client received. */
    | "claims",
    string
  >
>;

/** One event, shaped like Keycloak's EventRepresentation. */
export interface RecordedEvent {
  id: string;
  /** Milliseconds since the epoch. */
  time: number;
  type: EventType;
  realmId: string;
  clientId: string | null;
  userId: string | null;
  sessionId: string | null;
  ipAddress: string | null;
  error: string | null;
  details: EventDetails | null;
}

/** What a flow tells about an event; the rest (id, time, realm, address) is filled in. */
export interface EventFields {
  clientId?: string | null;
  userId?: string | null;
  sessionId?: string | null;
  error?: string | null;
  details?: EventDetails;
}
