import type { Context } from "hono";
import type { AppEnv } from "../../config";
import { OAuthError, PageError } from "../../http/errors";
import { requestParams } from "../../http/params";
import { showLoginPage, showRegistrationPage } from "../../login/pages";
import { showSelectAccountPage } from "../../login/select-account";
import { currentSession } from "../../login/sso-cookie";
import { nowSeconds } from "../../time";
import { requestedSubject } from "../claims-request";
import { verifyIdTokenHint } from "../id-token-hint";
import { completeAuthorization } from "./complete";
import { decide } from "./decide";
import { type AuthorizationRequest, RedirectableError } from "./request";
import { readAuthorizationRequest } from "./resolve";
import { respondWithError } from "./respond";

/** The authorization endpoint, GET or POST (OpenID Connect Core §3.1.2.1). */
export async function authorizationEndpoint(c: Context<AppEnv>): Promise<Response> {
  const params = await requestParams(c).catch((error) => {
    // Until the client and redirect_uri are known good, errors stay on our own page.
    if (error instanceof OAuthError) throw new PageError("error.invalidRequest");
    throw error;
  });

  let request: AuthorizationRequest;
  try {
    request = await readAuthorizationRequest(c, params);
  } catch (error) {
    if (error instanceof RedirectableError) return respondWithError(c, error, error.error);
    throw error;
  }

  let hintedSubject: string | undefined;
  if (request.idTokenHint !== undefined) {
    const hint = await verifyIdTokenHint(c, request.idTokenHint);
    if (typeof hint?.sub !== "string") {
      return respondWithError(
        c,
        request,
        new OAuthError("invalid_request", "Invalid id_token_hint."),
      );
    }
    hintedSubject = hint.sub;
  }
  // OpenID Connect Core §5.5.1: a `sub` asked for by value names the person, like the hint.
  hintedSubject ??= requestedSubject(request.claims);

  const now = nowSeconds();
  const session = await currentSession(c, c.var.db, c.var.realm, now);

  switch (decide(request, session, now, hintedSubject)) {
    case "issue_code":
      // The SSO session is reused without signing in: Keycloak's acr "0".
      return completeAuthorization(c, request, session as NonNullable<typeof session>, now, "0");
    case "login_required":
      return respondWithError(
        c,
        request,
        new OAuthError("login_required", "The person must sign in."),
      );
    case "show_select_account":
      return showSelectAccountPage(c, request, session as NonNullable<typeof session>);
    case "show_registration":
      return showRegistrationPage(c, request.params);
    case "show_login":
      return showLoginPage(c, request.params, { login: request.loginHint });
  }
}
