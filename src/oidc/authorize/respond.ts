import type { Context } from "hono";
import { FormPostPage } from "../../../templates/form-post-page";
import type { AppEnv } from "../../config";
import type { OAuthError } from "../../http/errors";
import { renderPage } from "../../http/render";
import type { ResponseMode } from "./request";

/**
 * Delivers authorization response parameters to the client's redirect_uri, with `iss`
 * (RFC 9207) so the client can tell which provider answered.
 */
export function respondToClient(
  c: Context<AppEnv>,
  target: { redirectUri: string; responseMode: ResponseMode; state?: string },
  values: Record<string, string>,
): Response | Promise<Response> {
  const fields: Record<string, string> = { ...values, iss: c.var.issuer };
  if (target.state !== undefined) fields.state = target.state;

  c.header("Cache-Control", "no-store");
  if (target.responseMode === "form_post") {
    return renderPage(
      c,
      FormPostPage({ t: c.var.t, locale: c.var.locale, action: target.redirectUri, fields }),
    );
  }

  const url = new URL(target.redirectUri);
  if (target.responseMode === "fragment") {
    url.hash = new URLSearchParams(fields).toString();
  } else {
    for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
  }
  return c.redirect(url.toString(), 302);
}

/** An authorization error response (RFC 6749 §4.1.2.1). */
export function respondWithError(
  c: Context<AppEnv>,
  target: { redirectUri: string; responseMode: ResponseMode; state?: string },
  error: OAuthError,
): Response | Promise<Response> {
  return respondToClient(c, target, {
    error: error.code,
    error_description: error.description,
  });
}
