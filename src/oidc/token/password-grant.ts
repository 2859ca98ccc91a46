import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../config";
import { randomId } from "../../crypto/random";
import { loadClientScopeSet } from "../../db/client-scopes";
import type { Client } from "../../db/clients";
import { startSession } from "../../db/sessions";
import { emitEvent } from "../../events/record";
import { OAuthError } from "../../http/errors";
import { logEvent } from "../../http/log";
import { type Params, validateParams } from "../../http/params";
import { realmKeys } from "../../keys/realm-keys";
import { authenticatePassword } from "../../login/authenticate";
import { nowSeconds } from "../../time";
import { allowedResources } from "../protocol-mappers";
import { checkResources, parseResource } from "../resource";
import { grantedScope, hasScope, parseScope } from "../scopes";
import { mintTokens } from "./mint";

/** RFC 6749 §4.3.2 parameters. */
const passwordParams = z.object({
  username: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
  scope: z.string().max(1024).optional(),
  resource: z.string().max(4096).optional(),
});

/** Keycloak's rule: the grant is off unless the client enables direct access grants. */
function requireDirectAccess(client: Client) {
  if (!client.directAccessGrantsEnabled) {
    throw new OAuthError("unauthorized_client", "The client may not use the password grant.");
  }
}

/**
 * The resource owner password credentials grant (RFC 6749 §4.3), Keycloak's "direct access
 * grants". The password goes through the sign-in page's check and brute-force guard, and
 * every failure answers the same invalid_grant, so no account can be told apart.
 */
export async function passwordGrant(c: Context<AppEnv>, client: Client, params: Params) {
  const { db, realm } = c.var;
  requireDirectAccess(client);
  const { username, password, scope, resource } = validateParams(passwordParams, params);

  const scopeSet = await loadClientScopeSet(db, realm.id, client.id);
  const { realmScopes } = scopeSet;
  const granted = grantedScope(parseScope(scope, realmScopes), client, realmScopes);
  // RFC 8707 §2.2.
  const resources = checkResources(parseResource(resource), allowedResources(scopeSet, client));

  const outcome = await authenticatePassword(c.env, db, realm, username.trim(), password);
  const user = outcome.user;
  if (!user) {
    const { userId, error } = outcome;
    logEvent("login.failed", { realm: realm.id, client: client.clientId, userId, error });
    if (outcome.lockedOut) emitEvent(c, "USER_DISABLED_BY_TEMPORARY_LOCKOUT", { userId });
    throw new OAuthError("invalid_grant", "Invalid user credentials.");
  }

  const now = nowSeconds();
  const { session } = await startSession(db, realm, user.id, ["pwd"], now);
  const keys = await realmKeys(c.env, realm.id);
  const { response, refreshRecord } = await mintTokens(
    db,
    keys,
    {
      realm,
      issuer: c.var.issuer,
      client,
      user,
      session,
      scope: granted,
      authTime: now,
      familyId: randomId(),
      offline: hasScope(granted, "offline_access"),
      dpopJkt: c.var.dpopJkt,
      scopeSet,
      resource: resources,
    },
    now,
  );
  await refreshRecord;
  logEvent("token.issued", {
    realm: realm.id,
    client: client.clientId,
    userId: user.id,
    grant: "password",
  });
  // Keycloak reports the grant as a LOGIN event, with its grant_type in the details.
  const details = { grant_type: "password", scope: granted };
  emitEvent(c, "LOGIN", {
    clientId: client.clientId,
    userId: user.id,
    sessionId: session.id,
    details,
  });
  return response;
}
