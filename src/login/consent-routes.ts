import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import { recordConsent } from "../db/consents";
import { consentEvent } from "../events/login-events";
import { emitEvent } from "../events/record";
import { verifyCsrfToken } from "../http/csrf";
import { OAuthError, PageError } from "../http/errors";
import { logEvent } from "../http/log";
import { formParams, queryParams } from "../http/params";
import { acrOfConsent, acrRequirement } from "../oidc/authorize/acr";
import { consentScopes } from "../oidc/authorize/consent";
import { issueCode } from "../oidc/authorize/issue-code";
import { RedirectableError } from "../oidc/authorize/request";
import { respondWithError } from "../oidc/authorize/respond";
import { nowSeconds } from "../time";
import { answerInvalidRequest, pendingRequest } from "./continue";
import { showLoginPage } from "./pages";
import { currentSession } from "./sso-cookie";

/** The consent page's form action, under `/realms/:realm`. */
export const consentRoutes = new Hono<AppEnv>();

async function readDecision(c: Context<AppEnv>) {
  try {
    return { params: queryParams(c), form: await formParams(c) };
  } catch (error) {
    if (error instanceof OAuthError) throw new PageError("error.invalidRequest");
    throw error;
  }
}

consentRoutes.post("/login-actions/consent", async (c) => {
  const { params, form } = await readDecision(c);
  await verifyCsrfToken(c, form.csrf_token);

  const pending = await pendingRequest(c, params);
  if (pending instanceof RedirectableError) return answerInvalidRequest(c, pending);
  if (pending === undefined) throw new PageError("error.invalidRequest");
  const decision = form.decision;
  if (decision !== "approve" && decision !== "deny") throw new PageError("error.invalidRequest");

  const { db, realm } = c.var;
  const now = nowSeconds();
  const session = await currentSession(c, db, realm, now);
  // The session ended while the page was open: whoever signs in next decides anew.
  if (!session) return showLoginPage(c, params, { login: pending.loginHint });

  const client = pending.client;
  const event = { realm: realm.id, client: client.clientId, userId: session.userId };
  if (decision === "deny") {
    logEvent("consent.denied", event);
    emitEvent(c, "LOGIN_ERROR", { ...consentEvent(pending, session), error: "rejected_by_user" });
    // RFC 6749 §4.1.2.1: the resource owner denied the request.
    const denied = new OAuthError("access_denied", "The person did not allow access.");
    return respondWithError(c, pending, denied);
  }

  // An essential acr of "1" needs the sign-in this form proves; without the proof, sign in.
  const acr = await acrOfConsent(c, params, session);
  if (acr === "0" && acrRequirement(pending.claims) === "fresh") {
    return showLoginPage(c, pending.params, { login: pending.loginHint });
  }

  await recordConsent(db, session.userId, client.id, consentScopes(pending), now);
  logEvent("consent.granted", event);
  emitEvent(c, "GRANT_CONSENT", consentEvent(pending, session));
  return issueCode(c, pending, session, now, acr);
});
