import type { Context } from "hono";
import type { AppEnv } from "../../config";
import type { Session } from "../../db/sessions";
import { OAuthError } from "../../http/errors";
import type { Acr } from "./acr";
import { missingConsent, showConsentPage } from "./consent";
import { issueCode } from "./issue-code";
import type { AuthorizationRequest } from "./request";
import { respondWithError } from "./respond";

/**
 * Finishes an authorization request once the person is known: asks for consent the client
 * needs and does not have yet, then issues the code. `acr` says whether the person signed in
 * for this request ("1") or an SSO session was reused ("0").
 */
export async function completeAuthorization(
  c: Context<AppEnv>,
  request: AuthorizationRequest,
  session: Session,
  now: number,
  acr: Acr,
): Promise<Response> {
  const missing = await missingConsent(c, request, session);
  if (missing.length === 0) return issueCode(c, request, session, now, acr);

  // OpenID Connect Core §3.1.2.6: prompt=none cannot show the consent page.
  if (request.prompt.includes("none")) {
    return respondWithError(
      c,
      request,
      new OAuthError("consent_required", "The person must approve this application."),
    );
  }
  return showConsentPage(c, request, missing, acr === "1" ? session : undefined);
}
