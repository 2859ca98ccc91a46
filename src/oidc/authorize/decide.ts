import type { Session } from "../../db/sessions";
import { acrRequirement } from "./acr";
import type { AuthorizationRequest } from "./request";

export type Decision =
  | "issue_code"
  | "login_required"
  | "show_login"
  | "show_registration"
  | "show_select_account";

/**
 * What the authorization endpoint does with a valid request: reuse the SSO session, ask the
 * person to sign in (or up), or tell the client that interaction is needed.
 */
export function decide(
  request: AuthorizationRequest,
  current: Session | undefined,
  now: number,
  hintedSubject?: string,
): Decision {
  // OpenID Connect Core §3.1.2.1: a session of someone other than the id_token_hint's subject
  // does not count; the hinted person must sign in.
  const session = hintedSubject && current?.userId !== hintedSubject ? undefined : current;

  // OpenID Connect Core §3.1.2.1: max_age bounds the age of the authentication, and
  // max_age=0 equals prompt=login even within the second the person signed in.
  const tooOld =
    session !== undefined &&
    request.maxAge !== undefined &&
    (request.maxAge === 0 || now - session.authTime > request.maxAge);
  // OpenID Connect Core §5.5.1.1: an essential acr of "1" needs a sign-in for this request,
  // which reusing the session is not (Keycloak's acr "0").
  const needsSignIn = tooOld || acrRequirement(request.claims) === "fresh";

  if (request.prompt.includes("none")) {
    // A session of someone other than the hinted person answers login_required too: the
    // hinted person must sign in, which needs a page.
    return session === undefined || needsSignIn ? "login_required" : "issue_code";
  }
  if (request.prompt.includes("create")) return "show_registration";
  if (session === undefined || needsSignIn || request.prompt.includes("login")) return "show_login";
  if (request.prompt.includes("select_account")) return "show_select_account";
  return "issue_code";
}
