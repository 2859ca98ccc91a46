import { Hono, type MiddlewareHandler } from "hono";
import { assets } from "../templates/assets";
import { accountRoutes } from "./account/routes";
import { bootstrapBeforeMaster } from "./admin/bootstrap";
import { AdminError, adminErrorResponse } from "./admin/errors";
import { adminRoutes } from "./admin/routes";
import { type AppEnv, checkConfig } from "./config";
import { database } from "./db/client";
import {
  accessTokenClientId,
  clientCors,
  formClientId,
  logoutClientId,
  publicCors,
} from "./http/cors";
import { errorPage, handleError } from "./http/errors-handler";
import { setRequestLocale } from "./http/locale";
import { realmContext } from "./http/realm-context";
import { securityHeaders } from "./http/security-headers";
import { consentRoutes } from "./login/consent-routes";
import { deviceRoutes } from "./login/device";
import { passkeyRoutes } from "./login/passkey-routes";
import { loginRoutes } from "./login/routes";
import { authorizationEndpoint } from "./oidc/authorize/endpoint";
import { certsEndpoint } from "./oidc/certs";
import { deviceAuthorizationEndpoint } from "./oidc/device/authorization-endpoint";
import { discoveryEndpoint } from "./oidc/discovery";
import { introspectionEndpoint } from "./oidc/introspection";
import { logoutEndpoint } from "./oidc/logout";
import { pushedAuthorizationRequestEndpoint } from "./oidc/par";
import { registrationRoutes } from "./oidc/registration/routes";
import { revocationEndpoint } from "./oidc/revocation";
import { sessionStatusRoutes } from "./oidc/session-status/routes";
import { tokenEndpoint } from "./oidc/token/endpoint";
import { userinfoEndpoint } from "./oidc/userinfo";

/** Resolves what every request needs once: the store, the language, the error surface. */
const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("surface", "api");
  setRequestLocale(c);
  checkConfig(c.env);
  c.set("db", database(c.env.DB));
  await next();
};

/** Marks routes whose errors a person reads, as a page. */
const page: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("surface", "page");
  await next();
};

const oidc = "/realms/:realm/protocol/openid-connect";

export const app = new Hono<AppEnv>({ strict: false });

app.use(securityHeaders, requestContext);
app.onError(handleError);
app.notFound((c) => {
  // The admin API answers in its own shape, which keycloak-admin-client reads.
  if (c.req.path.startsWith("/admin/")) {
    return adminErrorResponse(
      c,
      AdminError.notFound("Unable to find matching target resource method"),
    );
  }
  if (c.var.surface === "page" || c.req.header("accept")?.includes("text/html")) {
    return errorPage(c, "error.notFound", 404);
  }
  return c.json({ error: "not_found", error_description: "Not found." }, 404);
});

app.get("/", (c) => c.redirect(`/realms/${c.env.DEFAULT_REALM ?? "demo"}/account`));
app.get("/resources/:name", (c) => {
  const name = c.req.param("name");
  // Own keys only: `toString` or `__proto__` must not reach Object.prototype.
  const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
  if (!asset) return c.notFound();
  return c.body(asset.body, 200, {
    "Content-Type": asset.contentType,
    "Cache-Control": "public, max-age=3600",
  });
});

app.use(`${oidc}/auth`, page);
app.use(`${oidc}/logout`, page);
app.use(`${oidc}/registrations`, page);
app.use("/realms/:realm/login-actions/*", page);
app.use("/realms/:realm/account/*", page);
app.use("/realms/:realm/account", page);
app.use("/realms/:realm/device", page);
app.use("/realms/master/*", bootstrapBeforeMaster);
// After the surface is known, so an unknown realm answers as a page or as JSON.
app.use("/realms/:realm/*", realmContext);
// Browsers' scripts read these for one client, so only its web origins may (Keycloak's rule).
app.use(`${oidc}/token`, clientCors(["POST"], formClientId));
app.use(`${oidc}/userinfo`, clientCors(["GET", "POST"], accessTokenClientId));
// Revocation too, but not introspection: only confidential clients call that, from servers.
app.use(`${oidc}/revoke`, clientCors(["POST"], formClientId));
// Logout (keycloak-js POSTs it) and PAR, which single-page apps push from the browser.
app.use(`${oidc}/logout`, clientCors(["GET", "POST"], logoutClientId));
app.use(`${oidc}/ext/par/request`, clientCors(["POST"], formClientId));
app.use(`${oidc}/certs`, publicCors);
app.use("/realms/:realm/.well-known/*", publicCors);

app.get("/realms/:realm/.well-known/openid-configuration", discoveryEndpoint);
app.get("/realms/:realm/.well-known/oauth-authorization-server", discoveryEndpoint);
app.get(`${oidc}/certs`, certsEndpoint);
app.post(`${oidc}/token`, tokenEndpoint);
app.post(`${oidc}/token/introspect`, introspectionEndpoint);
app.post(`${oidc}/revoke`, revocationEndpoint);
app.post(`${oidc}/auth/device`, deviceAuthorizationEndpoint);
app.post(`${oidc}/ext/par/request`, pushedAuthorizationRequestEndpoint);
app.on(["GET", "POST"], `${oidc}/userinfo`, userinfoEndpoint);

app.on(["GET", "POST"], `${oidc}/auth`, authorizationEndpoint);
app.on(["GET", "POST"], `${oidc}/logout`, logoutEndpoint);
app.route("/realms/:realm/clients-registrations/openid-connect", registrationRoutes);
app.route(oidc, sessionStatusRoutes);
app.route("/realms/:realm", loginRoutes);
app.route("/realms/:realm/login-actions/passkey", passkeyRoutes);
app.route("/realms/:realm", consentRoutes);
app.route("/realms/:realm/account", accountRoutes);
app.route("/realms/:realm", deviceRoutes);
app.route("/admin", adminRoutes);
