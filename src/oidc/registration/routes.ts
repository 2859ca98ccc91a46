import { Hono } from "hono";
import type { AppEnv } from "../../config";
import { OAuthError } from "../../http/errors";
import { handleError } from "../../http/errors-handler";
import {
  deleteRegisteredClient,
  readRegisteredClient,
  registerClient,
  updateClient,
} from "./endpoint";

/**
 * Dynamic client registration (RFC 7591) and management (RFC 7592) at Keycloak's path,
 * `/realms/{realm}/clients-registrations/openid-connect`.
 */
export const registrationRoutes = new Hono<AppEnv>();

registrationRoutes.onError((error, c) => {
  if (!(error instanceof OAuthError)) return handleError(error, c);
  c.header("Cache-Control", "no-store");
  if (error.code === "invalid_token") {
    // RFC 6750 §3.1: a challenge always; the error code only when a token was presented.
    const challenge = `Bearer realm="${c.var.realm.name}"`;
    const presented = c.req.header("authorization") !== undefined;
    c.header("WWW-Authenticate", presented ? `${challenge}, error="invalid_token"` : challenge);
  }
  return c.json(error.toJSON(), error.status as 400);
});

registrationRoutes.post("/", registerClient);
registrationRoutes.get("/:clientId", readRegisteredClient);
registrationRoutes.put("/:clientId", updateClient);
registrationRoutes.delete("/:clientId", deleteRegisteredClient);
