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
import { addPasskeyOptions, addPasskeyRegistration, isFreshSignIn } from "./passkey-add";
import { accountPasskeys, removeAccountPasskey, renameAccountPasskey } from "./passkeys";

/** The account console, under `/realms/:realm/account`. */
export const accountRoutes = new Hono<AppEnv>();

accountRoutes.get("/", async (c) => {
  const { db, realm } = c.var;
  const now = nowSeconds();
  const session = await currentSession(c, db, realm, now);
  const user = session && (await findUserById(db, realm.id, session.userId));
  if (!session || !user) return c.redirect(`/realms/${realm.name}/login-actions/authenticate`);
  const base = `/realms/${realm.name}/account`;

  const page = AccountPage({
    t: c.var.t,
    locale: c.var.locale,
    realmName: realm.displayName ?? realm.name,
    user,
    signedInAt: new Date(session.authTime * 1000),
    logoutAction: `/realms/${realm.name}/account/logout`,
    csrfToken: await issueCsrfToken(c),
    grants: await accountGrants(c, user.id),
    revokeGrantAction: `${base}/grants/revoke`,
    passkeys: {
      list: await accountPasskeys(c, user.id),
      addOptionsUrl: `${base}/passkeys/registration-options`,
      addAction: `${base}/passkeys/registration`,
      renameAction: `${base}/passkeys/rename`,
      removeAction: `${base}/passkeys/remove`,
      // A stale sign-in is sent to sign in again before the ceremony, not refused after it.
      signInAgainUrl: isFreshSignIn(session, now)
        ? undefined
        : `/realms/${realm.name}/login-actions/authenticate`,
    },
  });
  return renderPage(c, page);
});

accountRoutes.post("/grants/revoke", revokeGrant);
accountRoutes.post("/passkeys/registration-options", addPasskeyOptions);
accountRoutes.post("/passkeys/registration", addPasskeyRegistration);
accountRoutes.post("/passkeys/rename", renameAccountPasskey);
accountRoutes.post("/passkeys/remove", removeAccountPasskey);

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
