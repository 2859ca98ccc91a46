import type { Context } from "hono";
import { ErrorPage } from "../../templates/error-page";
import type { AppEnv } from "../config";
import { ConfigError } from "../crypto/secret";
import type { MessageKey } from "../i18n";
import { OAuthError, PageError } from "./errors";
import { logEvent } from "./log";
import { renderPage } from "./render";

const englishByKey: Partial<Record<string, string>> = {
  "error.realmNotFound": "Realm does not exist.",
  "error.notFound": "Not found.",
};

/**
 * The last line for errors a route did not answer itself: a localized page for people, RFC
 * 6749 JSON for clients, and never a stack trace.
 */
export function handleError(error: Error, c: Context<AppEnv>): Response | Promise<Response> {
  const surface = c.var.surface ?? "api";

  if (error instanceof OAuthError) {
    if (surface === "page") return errorPage(c, "error.invalidRequest", 400);
    return c.json(error.toJSON(), error.status as 400);
  }

  if (error instanceof PageError) {
    if (surface === "page") return errorPage(c, error.messageKey, error.status);
    const description = englishByKey[error.messageKey] ?? "The request is not valid.";
    const code = error.status === 404 ? "not_found" : "invalid_request";
    return c.json({ error: code, error_description: description }, error.status as 400);
  }

  const event = error instanceof ConfigError ? "config.invalid" : "server.error";
  logEvent(event, { name: error.name, message: error.message.slice(0, 200) });
  if (surface === "page") return errorPage(c, "error.internal", 500);
  return c.json({ error: "server_error", error_description: "Internal error." }, 500);
}

export function errorPage(c: Context<AppEnv>, messageKey: MessageKey, status: number) {
  const realm = c.var.realm;
  const page = ErrorPage({
    t: c.var.t,
    locale: c.var.locale,
    messageKey,
    realmName: realm ? (realm.displayName ?? realm.name) : undefined,
  });
  return renderPage(c, page, status);
}
