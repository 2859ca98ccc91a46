import type { MessageKey } from "../i18n";

/** The `error` values of RFC 6749, OpenID Connect Core, RFC 6750 and RFC 7591 we answer. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "invalid_scope"
  | "access_denied"
  | "server_error"
  | "temporarily_unavailable"
  | "login_required"
  | "interaction_required"
  | "consent_required"
  // OpenID Connect Core 1.0 errata set 2 §3.1.2.6 (Keycloak answers it too)
  | "unmet_authentication_requirements"
  | "invalid_token"
  | "request_not_supported"
  | "request_uri_not_supported"
  | "invalid_redirect_uri"
  | "invalid_client_metadata"
  // RFC 8628 §3.5
  | "authorization_pending"
  | "slow_down"
  | "expired_token"
  // RFC 8693 §2.2.2
  | "invalid_target"
  | "invalid_request_uri"
  | "invalid_request_object"
  // RFC 9449 §5, §8
  | "invalid_dpop_proof"
  | "use_dpop_nonce";

const statusByCode: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  server_error: 500,
  temporarily_unavailable: 503,
};

/**
 * A protocol error: `code` is the RFC's `error` value and `description` is safe to show the
 * client. Private detail for the operator stays in `detail` and never reaches a response.
 */
export class OAuthError extends Error {
  readonly status: number;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly detail?: string,
  ) {
    super(`${code}: ${description}`);
    this.status = statusByCode[code] ?? 400;
  }

  /** The RFC 6749 §5.2 body. */
  toJSON(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/**
 * An error shown to a person on a page, never redirected. `messageKey` names the localized
 * message in `locales/`.
 */
export class PageError extends Error {
  constructor(
    readonly messageKey: MessageKey,
    readonly status = 400,
  ) {
    super(messageKey);
  }
}
