import { Hono } from "hono";
import { AccountPage } from "../../templates/account-page";
import type { AppEnv } from "../config";
import { findUserById } from "../db/users";
import { emitEvent } from "../events/record";
import { issueCsrfToken, verifyCsrfToken } from "../http/csrf";
import { logEvent } from "../http/log";
import { formParams } from "../http/params";
import { renderPage } from "../http/render";
import { clearSessionCookie, currentSession } from "../login/sso-cookie";
import { endBrowserSession } from "../oidc/end-session";
import { loggedOutPage } from "../oidc/frontchannel-logout";
import { nowSeconds } from "../time";
import { accountGrants, revokeGrant } from "./grants";

/** The account console, under `/realms/:realm/account`. */
export const accountRoutes = new Hono<AppEnv>();

accountRoutes.get("/", async (c) => {
  const { db, realm } = c.var;
  const session = await currentSession(c, db, realm, nowSeconds());
  const user = session && (await findUserById(db, realm.id, session.userId));
  if (!session || !user) return c.redirect(`/realms/${realm.name}/login-actions/authenticate`);

  const page = AccountPage({
    t: c.var.t,
    locale: c.var.locale,
    realmName: realm.displayName ?? realm.name,
    user,
    signedInAt: new Date(session.authTime * 1000),
    logoutAction: `/realms/${realm.name}/account/logout`,
    csrfToken: await issueCsrfToken(c),
    grants: await accountGrants(c, user.id),
    revokeGrantAction: `/realms/${realm.name}/account/grants/revoke`,
  });
  return renderPage(c, page);
});

accountRoutes.post("/grants/revoke", revokeGrant);

accountRoutes.post("/logout", async (c) => {
  const form = await formParams(c);
  await verifyCsrfToken(c, form.csrf_token);

  const { db, realm } = c.var;
  const session = await currentSession(c, db, realm, nowSeconds());
  const frontchannel = session ? await endBrowserSession(c, session.id) : [];
  if (session) {
    logEvent("logout", { realm: realm.id, userId: session.userId, sessionId: session.id });
    emitEvent(c, "LOGOUT", { userId: session.userId, sessionId: session.id });
  }
  clearSessionCookie(c, realm);

  const next = `/realms/${realm.name}/account`;
  if (frontchannel.length > 0) return loggedOutPage(c, frontchannel, next);
  return c.redirect(next, 303);
});
