import type { Context } from "hono";
import { SelectAccountPage } from "../../templates/select-account-page";
import type { AppEnv } from "../config";
import type { Session } from "../db/sessions";
import { findUserById } from "../db/users";
import { PageError } from "../http/errors";
import type { Params } from "../http/params";
import { renderPage } from "../http/render";
import type { AuthorizationRequest } from "../oidc/authorize/request";
import { loginActionUrl } from "./pages";

/** The request's parameters with `select_account` taken out of prompt, so it is asked once. */
function withoutSelectAccount(params: Params): Params {
  const { prompt, ...rest } = params;
  const remaining = (prompt ?? "").split(" ").filter((v) => v !== "" && v !== "select_account");
  return remaining.length > 0 ? { ...rest, prompt: remaining.join(" ") } : rest;
}

function authorizationPath(realmName: string): string {
  return `/realms/${realmName}/protocol/openid-connect/auth`;
}

/**
 * OpenID Connect Core §3.1.2.1 prompt=select_account: "continue as" the signed-in person, or
 * sign in with another account (which ends this session when it succeeds).
 */
export async function showSelectAccountPage(
  c: Context<AppEnv>,
  request: AuthorizationRequest,
  session: Session,
) {
  const { db, realm } = c.var;
  const user = await findUserById(db, realm.id, session.userId);
  if (!user) throw new PageError("error.invalidRequest");

  const params = withoutSelectAccount(request.params);
  const fullName = [user.firstName, user.lastName].filter(Boolean).join(" ");
  const page = SelectAccountPage({
    t: c.var.t,
    locale: c.var.locale,
    realmName: realm.displayName ?? realm.name,
    name: fullName || user.username,
    continueUrl: `${authorizationPath(realm.name)}?${new URLSearchParams(params)}`,
    otherAccountUrl: loginActionUrl(realm, params),
  });
  return renderPage(c, page);
}
