import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../config";
import {
  type AuthorizationCode,
  authorizationCodeRow,
  consumeAuthorizationCode,
  discardCode,
  revokeReplayedCode,
} from "../../db/authorization-codes";
import { loadClientScopeSet } from "../../db/client-scopes";
import type { Client } from "../../db/clients";
import { revokeFamily } from "../../db/refresh-tokens";
import { findSessionById } from "../../db/sessions";
import { findUserById } from "../../db/users";
import { emitTokenIssued } from "../../events/protocol-events";
import { OAuthError } from "../../http/errors";
import { logEvent } from "../../http/log";
import { type Params, validateParams } from "../../http/params";
import { realmKeys } from "../../keys/realm-keys";
import { nowSeconds } from "../../time";
import { announceSessionEnd } from "../backchannel/announce";
import { requireSameKey } from "../dpop/binding";
import { allowedResources } from "../protocol-mappers";
import { parseResource, tokenResources } from "../resource";
import { hasScope } from "../scopes";
import { mintTokens } from "./mint";
import { checkCodeVerifier } from "./pkce";

/** RFC 6749 §4.1.3 parameters; the verifier's syntax is checked with PKCE. */
const codeGrantParams = z.object({
  code: z.string().max(512),
  redirect_uri: z.string().max(2048),
  code_verifier: z.string().max(512).optional(),
  resource: z.string().max(4096).optional(),
});

/** RFC 6749 §4.1.3 and RFC 7636 §4.6: the code was issued to this client, URI and verifier. */
async function checkBinding(
  code: AuthorizationCode,
  realmId: string,
  client: Client,
  redirectUri: string,
  codeVerifier: string | undefined,
  dpopJkt: string | undefined,
) {
  if (code.realmId !== realmId || code.clientId !== client.id) {
    throw new OAuthError("invalid_grant", "The code was issued to another client.");
  }
  if (code.redirectUri !== redirectUri) {
    throw new OAuthError("invalid_grant", "redirect_uri does not match the authorization request.");
  }
  await checkCodeVerifier(code.codeChallenge, codeVerifier);
  // RFC 9449 §10: a code requested with dpop_jkt is redeemed only with that key.
  requireSameKey(code.dpopJkt, dpopJkt);
}

/** The `authorization_code` grant (RFC 6749 §4.1.3) with PKCE (RFC 7636). */
export async function authorizationCodeGrant(c: Context<AppEnv>, client: Client, params: Params) {
  const { db, realm } = c.var;
  const {
    code: presented,
    redirect_uri,
    code_verifier,
    resource,
  } = validateParams(codeGrantParams, params);

  const now = nowSeconds();
  const result = await consumeAuthorizationCode(db, presented, now);

  // RFC 6749 §4.1.2: a code used twice revokes the tokens already issued from it; like
  // Keycloak, the session it was issued in ends too.
  if (result.outcome === "replayed") {
    await announceSessionEnd(c, await revokeReplayedCode(db, result.code));
    logEvent("code.replayed", { realm: realm.id, client: client.clientId });
    throw new OAuthError("invalid_grant", "The authorization code was already used.");
  }
  if (result.outcome !== "consumed") {
    throw new OAuthError("invalid_grant", "The authorization code is invalid or expired.");
  }

  const code = result.code;
  const scopeSet = await loadClientScopeSet(db, realm.id, client.id);
  const grantedResources = parseResource(code.resource ?? undefined);
  let resources: string[];
  try {
    await checkBinding(code, realm.id, client, redirect_uri, code_verifier, c.var.dpopJkt);
    // RFC 8707 §2.2: the token's resources, within those the code was issued for.
    resources = tokenResources(resource, grantedResources, allowedResources(scopeSet, client));
  } catch (error) {
    // The code is spent either way; nothing came of it, so a retry is no replay.
    await discardCode(db, code.codeHash);
    throw error;
  }

  const [session, user] = await Promise.all([
    findSessionById(db, realm, code.sessionId, now),
    findUserById(db, realm.id, code.userId),
  ]);
  if (!session || !user?.enabled) {
    throw new OAuthError("invalid_grant", "The session behind this code has ended.");
  }

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
      scope: code.scope,
      authTime: code.authTime,
      familyId: code.familyId,
      offline: hasScope(code.scope, "offline_access"),
      dpopJkt: c.var.dpopJkt,
      nonce: code.nonce ?? undefined,
      claims: code.claims,
      acr: code.acr,
      scopeSet,
      resource: resources,
      grantedResources,
    },
    now,
  );
  // A replay may arrive while this exchange mints, and revoke the family before this
  // refresh token is stored. It deletes the code's row too: seeing that, revoke again, so
  // the outcome is the same as when the replay comes after this exchange.
  const [, codeRow] = await db.batch([refreshRecord, authorizationCodeRow(db, code.codeHash)]);
  if (codeRow.length === 0) await revokeFamily(db, code.familyId);
  logEvent("token.issued", {
    realm: realm.id,
    client: client.clientId,
    userId: user.id,
    grant: "authorization_code",
  });
  const issued = { clientId: client.clientId, userId: user.id, sessionId: session.id };
  emitTokenIssued(c, "CODE_TO_TOKEN", { ...issued, scope: code.scope });
  return response;
}
