import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * An admin API refusal. Keycloak answers `{"error": ...}` for 401, 403 and 404 and
 * `{"errorMessage": ...}` for invalid input and conflicts; both members are sent, so
 * keycloak-admin-client and scripts written for either shape read the reason.
 */
export class AdminError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly reason: string,
  ) {
    super(reason);
  }

  static unauthorized(): AdminError {
    return new AdminError(401, "HTTP 401 Unauthorized");
  }

  static forbidden(): AdminError {
    return new AdminError(403, "HTTP 403 Forbidden");
  }

  /** A 404 with Keycloak's message, e.g. "User not found" or "Could not find role". */
  static notFound(message: string): AdminError {
    return new AdminError(404, message);
  }

  static badRequest(message: string): AdminError {
    return new AdminError(400, message);
  }

  static conflict(message: string): AdminError {
    return new AdminError(409, message);
  }
}

/** The JSON answer for an admin API refusal. */
export function adminErrorResponse(c: Context, error: AdminError): Response {
  if (error.status === 401) c.header("WWW-Authenticate", 'Bearer realm="admin"');
  return c.json({ error: error.reason, errorMessage: error.reason }, error.status);
}
