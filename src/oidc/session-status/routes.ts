import { type Context, Hono, type MiddlewareHandler } from "hono";
import { ScriptPage } from "../../../templates/script-page";
import type { AppEnv } from "../../config";
import { findClient } from "../../db/clients";
import { realmWebOrigins } from "../../db/web-origins";
import { OAuthError } from "../../http/errors";
import { renderPage } from "../../http/render";

/**
 * The pages keycloak-js frames under `/protocol/openid-connect`: Keycloak's session status
 * iframe (OpenID Connect Session Management 1.0 §4) and keycloak-js 26's third-party cookie
 * check.
 */
export const sessionStatusRoutes = new Hono<AppEnv>();

/** Only the realm's registered web origins may frame these pages (CSP frame-ancestors). */
const framedByWebOrigins: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("frameAncestors", await realmWebOrigins(c.var.db, c.var.realm.id));
  await next();
};

const scriptPage = (script: string) => (c: Context<AppEnv>) =>
  renderPage(c, ScriptPage({ script }));

sessionStatusRoutes.get(
  "/login-status-iframe.html",
  framedByWebOrigins,
  scriptPage("login-status-iframe.js"),
);
sessionStatusRoutes.get(
  "/3p-cookies/step1.html",
  framedByWebOrigins,
  scriptPage("3p-cookies-step1.js"),
);
sessionStatusRoutes.get(
  "/3p-cookies/step2.html",
  framedByWebOrigins,
  scriptPage("3p-cookies-step2.js"),
);

/**
 * Keycloak's `/init`: the iframe answers a relying party only after this accepts its client
 * and the origin that framed it, so no other site learns whether a session state is current.
 */
sessionStatusRoutes.get("/login-status-iframe.html/init", async (c) => {
  const clientId = c.req.query("client_id");
  const origin = c.req.query("origin");
  if (!clientId || !origin) {
    throw new OAuthError("invalid_request", "client_id and origin are required.");
  }

  const client = await findClient(c.var.db, c.var.realm.id, clientId);
  if (!client?.enabled || !client.webOrigins.includes(origin)) {
    throw new OAuthError("unauthorized_client", "The origin is not registered for this client.");
  }

  c.header("Cache-Control", "no-store");
  return c.body(null, 204);
});
