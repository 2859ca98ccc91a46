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
    /** Keycloak's field error: the user attribute at fault and the message's parameters. */
    readonly field?: { name: string; params: string[] },
  ) {
    super(reason);
  }

  /** A 400 naming a user attribute, as Keycloak's user profile answers (`error-invalid-length`). */
  static fieldError(name: string, message: string, params: string[] = [name]): AdminError {
    return new AdminError(400, message, { name, params });
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
  const field = error.field ? { field: error.field.name, params: error.field.params } : {};
  return c.json({ error: error.reason, errorMessage: error.reason, ...field }, error.status);
}
