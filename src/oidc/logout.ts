import type { Context } from "hono";
import type { JWTPayload } from "jose";
import { LogoutConfirmPage } from "../../templates/logout-confirm-page";
import type { AppEnv } from "../config";
import { type Client, findClient } from "../db/clients";
import { logoutEvent } from "../events/login-events";
import { emitEvent } from "../events/record";
import { issueCsrfToken, verifyCsrfToken } from "../http/csrf";
import { OAuthError, PageError } from "../http/errors";
import { logEvent } from "../http/log";
import { type Params, requestParams } from "../http/params";
import { renderPage } from "../http/render";
import { clearSessionCookie, currentSession } from "../login/sso-cookie";
import { nowSeconds } from "../time";
import { endBrowserSession } from "./end-session";
import { loggedOutPage } from "./frontchannel-logout";
import { verifyIdTokenHint } from "./id-token-hint";

/** A hint that does not verify is refused on a page: it may not pick the session to end. */
async function checkIdTokenHint(c: Context<AppEnv>, hint: string): Promise<JWTPayload> {
  const claims = await verifyIdTokenHint(c, hint);
  if (!claims) throw new PageError("error.invalidRequest");
  return claims;
}

/** The client the logout request speaks for: named by client_id, or the hint's audience. */
async function checkClient(c: Context<AppEnv>, params: Params, hint?: JWTPayload) {
  const hinted = typeof hint?.azp === "string" ? hint.azp : undefined;
  if (params.client_id && hinted && params.client_id !== hinted) {
    throw new PageError("error.invalidRequest");
  }
  const clientId = params.client_id ?? hinted;
  if (clientId === undefined) return undefined;

  const client = await findClient(c.var.db, c.var.realm.id, clientId);
  if (!client?.enabled) throw new PageError("error.unknownClient");
  return client;
}

/** A post-logout redirect must be registered for the client, exactly. */
function checkPostLogoutRedirect(params: Params, client: Client | undefined): string | undefined {
  const uri = params.post_logout_redirect_uri;
  if (uri === undefined) return undefined;
  if (!client) throw new PageError("error.missingClientForLogout");
  if (!client.postLogoutRedirectUris.includes(uri)) throw new PageError("error.invalidRedirectUri");
  return uri;
}

/** OpenID Connect RP-Initiated Logout 1.0, GET or POST. */
export async function logoutEndpoint(c: Context<AppEnv>): Promise<Response> {
  const params = await requestParams(c).catch((error) => {
    if (error instanceof OAuthError) throw new PageError("error.invalidRequest");
    throw error;
  });
  const hint = params.id_token_hint ? await checkIdTokenHint(c, params.id_token_hint) : undefined;
  const client = await checkClient(c, params, hint);
  const redirectUri = checkPostLogoutRedirect(params, client);

  const { db, realm } = c.var;
  const session = await currentSession(c, db, realm, nowSeconds());
  const hintedSession = typeof hint?.sid === "string" ? hint.sid : undefined;

  // Without a hint for this very session, the request may be forged: ask the person first.
  const provenByHint = hintedSession !== undefined && (!session || session.id === hintedSession);
  if (!provenByHint) {
    if (c.req.method !== "POST" || params.confirm !== "yes") {
      return askToConfirm(c, params);
    }
    await verifyCsrfToken(c, params.csrf_token);
  }

  const ended = provenByHint ? hintedSession : session?.id;
  const frontchannel = ended ? await endBrowserSession(c, ended) : [];
  if (ended) {
    logEvent("logout", { realm: realm.id, sessionId: ended, client: client?.clientId });
    emitEvent(c, "LOGOUT", logoutEvent(ended, session, client));
  }
  if (ended === session?.id) clearSessionCookie(c, realm);

  const target = redirectUri === undefined ? undefined : new URL(redirectUri);
  if (target && params.state !== undefined) target.searchParams.set("state", params.state);
  // Front-Channel Logout 1.0 §4: the relying parties' pages load before the redirect.
  if (target === undefined || frontchannel.length > 0) {
    return loggedOutPage(c, frontchannel, target?.toString());
  }
  return c.redirect(target.toString(), 302);
}

async function askToConfirm(c: Context<AppEnv>, params: Params) {
  const fields: Params = { ...params, confirm: "yes" };
  delete fields.csrf_token;
  const page = LogoutConfirmPage({
    t: c.var.t,
    locale: c.var.locale,
    realmName: c.var.realm.displayName ?? c.var.realm.name,
    action: `/realms/${c.var.realm.name}/protocol/openid-connect/logout`,
    csrfToken: await issueCsrfToken(c),
    fields,
  });
  return renderPage(c, page);
}
