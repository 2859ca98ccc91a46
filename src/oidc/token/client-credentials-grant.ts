import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../config";
import { loadClientScopeSet } from "../../db/client-scopes";
import type { Client } from "../../db/clients";
import { findServiceAccount } from "../../db/users";
import { emitTokenIssued } from "../../events/protocol-events";
import { OAuthError } from "../../http/errors";
import { logEvent } from "../../http/log";
import { type Params, validateParams } from "../../http/params";
import { realmKeys } from "../../keys/realm-keys";
import { nowSeconds } from "../../time";
import { groupsForMappers } from "../mapper-values";
import { allowedResources, applicableMappers } from "../protocol-mappers";
import { checkResources, parseResource } from "../resource";
import { grantedScope, parseScope } from "../scopes";
import { rolesFor } from "./role-claims";
import { mintServiceAccountToken } from "./service-account-token";

/** RFC 6749 §4.4.2 parameters. */
const clientCredentialsParams = z.object({
  scope: z.string().max(1024).optional(),
  resource: z.string().max(4096).optional(),
});

/**
 * RFC 6749 §4.4.2: the client MUST authenticate. A public client only names itself, which is
 * "no client authentication included" (§5.2), so it gets invalid_client. unauthorized_client
 * is for an authenticated client denied the grant; Keycloak answers that, with 401, here.
 */
function requireConfidential(client: Client) {
  if (client.publicClient) {
    throw new OAuthError("invalid_client", "The client_credentials grant needs a client secret.");
  }
}

/** Keycloak's rule: only clients with a service account may use the grant (RFC 6749 §5.2). */
function requireServiceAccounts(client: Client) {
  if (!client.serviceAccountsEnabled) {
    throw new OAuthError("unauthorized_client", "The client has no service account.");
  }
}

/**
 * The `client_credentials` grant (RFC 6749 §4.4): the client acts as its own service account.
 * It answers an access token only, and writes nothing: no session, no refresh token.
 */
export async function clientCredentialsGrant(c: Context<AppEnv>, client: Client, params: Params) {
  const { db, realm } = c.var;
  const { scope, resource } = validateParams(clientCredentialsParams, params);

  requireConfidential(client);
  requireServiceAccounts(client);
  const scopeSet = await loadClientScopeSet(db, realm.id, client.id);
  const { realmScopes } = scopeSet;
  const granted = grantedScope(parseScope(scope, realmScopes), client, realmScopes);
  // RFC 8707 §2.2.
  const resources = checkResources(parseResource(resource), allowedResources(scopeSet, client));

  const serviceAccount = await findServiceAccount(db, realm.id, client.id);
  if (!serviceAccount?.enabled) {
    throw new OAuthError("unauthorized_client", "The client's service account is disabled.");
  }

  const keys = await realmKeys(c.env, realm.id);
  const mappers = applicableMappers(scopeSet, client, granted);
  const response = await mintServiceAccountToken(keys, {
    realm,
    issuer: c.var.issuer,
    client,
    user: serviceAccount,
    scope: granted,
    roles: await rolesFor(db, client, serviceAccount, granted),
    now: nowSeconds(),
    dpopJkt: c.var.dpopJkt,
    mappers,
    groups: await groupsForMappers(db, serviceAccount.id, mappers),
    resource: resources,
  });
  logEvent("token.issued", {
    realm: realm.id,
    client: client.clientId,
    userId: serviceAccount.id,
    grant: "client_credentials",
  });
  const issued = { clientId: client.clientId, userId: serviceAccount.id, scope: granted };
  emitTokenIssued(c, "CLIENT_LOGIN", issued);
  return response;
}
