import type { Context } from "hono";
import type { AccountGrant } from "../../templates/account-grants";
import type { AppEnv } from "../config";
import { listRealmClientScopes } from "../db/client-scopes";
import { findClient } from "../db/clients";
import { listClientGrants, revokeClientGrant } from "../db/consents";
import { emitEvent } from "../events/record";
import { verifyCsrfToken } from "../http/csrf";
import { OAuthError, PageError } from "../http/errors";
import { logEvent } from "../http/log";
import { formParams } from "../http/params";
import { currentSession } from "../login/sso-cookie";
import { consentScopeMessages } from "../oidc/authorize/consent";
import { nowSeconds } from "../time";

/** The applications a person approved, with localized scope descriptions, for the page. */
export async function accountGrants(c: Context<AppEnv>, userId: string): Promise<AccountGrant[]> {
  const [grants, realmScopes] = await Promise.all([
    listClientGrants(c.var.db, userId, nowSeconds()),
    listRealmClientScopes(c.var.db, c.var.realm.id),
  ]);
  // A realm scope is described by its consent.screen.text, as on the consent page.
  const realmTexts = new Map(realmScopes.map((s) => [s.name, s.consentScreenText ?? s.name]));
  return grants.map((grant) => ({
    clientId: grant.clientId,
    clientName: grant.clientName ?? grant.clientId,
    scopes: grant.scopes
      .filter((scope) => Object.hasOwn(consentScopeMessages, scope) || realmTexts.has(scope))
      .map((scope) => {
        const message = consentScopeMessages[scope];
        return message === undefined ? (realmTexts.get(scope) as string) : c.var.t(message);
      }),
  }));
}

/**
 * Revokes the signed-in person's approval of one client; the client's refresh tokens for
 * them, offline ones included, end with it, so it must ask again.
 */
export async function revokeGrant(c: Context<AppEnv>): Promise<Response> {
  const form = await formParams(c).catch((error) => {
    if (error instanceof OAuthError) throw new PageError("error.invalidRequest");
    throw error;
  });
  await verifyCsrfToken(c, form.csrf_token);

  const { db, realm } = c.var;
  const session = await currentSession(c, db, realm, nowSeconds());
  if (!session) return c.redirect(`/realms/${realm.name}/login-actions/authenticate`, 303);

  const clientId = form.client_id;
  const client = clientId === undefined ? undefined : await findClient(db, realm.id, clientId);
  if (!client) throw new PageError("error.unknownClient");

  if (await revokeClientGrant(db, session.userId, client.id)) {
    emitEvent(c, "REVOKE_GRANT", { clientId: client.clientId, userId: session.userId });
    logEvent("consent.revoked", {
      realm: realm.id,
      client: client.clientId,
      userId: session.userId,
    });
  }
  return c.redirect(`/realms/${realm.name}/account`, 303);
}
