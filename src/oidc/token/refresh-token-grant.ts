import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../config";
import { loadClientScopeSet } from "../../db/client-scopes";
import type { Client } from "../../db/clients";
import { refreshTokenRow, revokeFamily, rotateRefreshToken } from "../../db/refresh-tokens";
import { findSessionById, touchSession } from "../../db/sessions";
import { findUserById } from "../../db/users";
import { emitTokenIssued } from "../../events/protocol-events";
import { OAuthError } from "../../http/errors";
import { logEvent } from "../../http/log";
import { type Params, validateParams } from "../../http/params";
import { realmKeys } from "../../keys/realm-keys";
import { verifyJwt } from "../../keys/sign";
import { nowSeconds } from "../../time";
import { boundJkt, requireSameKey } from "../dpop/binding";
import { allowedResources } from "../protocol-mappers";
import { tokenResources } from "../resource";
import { mintTokens } from "./mint";
import { narrowScope } from "./narrow-scope";

/** RFC 6749 §6 parameters. */
const refreshGrantParams = z.object({
  refresh_token: z.string().max(8192),
  scope: z.string().max(1024).optional(),
  resource: z.string().max(4096).optional(),
});

/** The resources a refresh token was granted for, from its own signed claims. */
function signedResources(claim: unknown): string[] {
  if (!Array.isArray(claim)) return [];
  return claim.filter((entry): entry is string => typeof entry === "string");
}

/**
 * The `refresh_token` grant (RFC 6749 §6). Every use rotates the token; presenting a
 * rotated one revokes its whole family (RFC 9700 §4.14.2).
 */
export async function refreshTokenGrant(c: Context<AppEnv>, client: Client, params: Params) {
  const { db, realm } = c.var;
  const { refresh_token: token, scope, resource } = validateParams(refreshGrantParams, params);

  const keys = await realmKeys(c.env, realm.id);
  const claims = await verifyJwt(keys, token, { issuer: c.var.issuer }).catch(() => {
    throw new OAuthError("invalid_grant", "The refresh token is invalid or expired.");
  });
  if (claims.typ !== "Refresh" && claims.typ !== "Offline") {
    throw new OAuthError("invalid_grant", "The refresh token is invalid or expired.");
  }
  // Checked on the signed claims before rotating, so a refused request leaves the token usable.
  if (claims.azp !== client.clientId) {
    throw new OAuthError("invalid_grant", "The refresh token was issued to another client.");
  }
  narrowScope(typeof claims.scope === "string" ? claims.scope : "", scope);
  requireSameKey(boundJkt(claims), c.var.dpopJkt);
  // RFC 8707 §2.2: within the resources of the original authorization, which the signed
  // refresh token carries; checked before rotating, so a refused request spends nothing.
  const grantedResources = signedResources(claims.resource);
  const scopeSet = await loadClientScopeSet(db, realm.id, client.id);
  const resources = tokenResources(resource, grantedResources, allowedResources(scopeSet, client));

  const now = nowSeconds();
  const result = await rotateRefreshToken(db, token, now);
  if (result.outcome === "reused") {
    await revokeFamily(db, result.record.familyId);
    logEvent("refresh_token.reused", { realm: realm.id, client: client.clientId });
    throw new OAuthError("invalid_grant", "The refresh token was already used.");
  }
  if (result.outcome === "unknown") {
    throw new OAuthError("invalid_grant", "The refresh token is invalid or revoked.");
  }

  const record = result.record;
  if (record.clientId !== client.id || record.realmId !== realm.id) {
    throw new OAuthError("invalid_grant", "The refresh token was issued to another client.");
  }
  const grantedScope = narrowScope(record.scope, scope);

  const [session, user] = await Promise.all([
    findSessionById(db, realm, record.sessionId, now),
    findUserById(db, realm.id, record.userId),
  ]);
  // An offline token outlives its SSO session (Keycloak's offline session); others end with it.
  if ((!session && !record.offline) || !user?.enabled) {
    throw new OAuthError("invalid_grant", "The session has ended.");
  }
  const bounds = session ?? { id: record.sessionId, amr: [], expiresAt: 0, createdAt: 0 };

  const { response, refreshRecord } = await mintTokens(
    db,
    keys,
    {
      realm,
      issuer: c.var.issuer,
      client,
      user,
      session: bounds,
      scope: grantedScope,
      authTime: record.authTime,
      familyId: record.familyId,
      offline: record.offline,
      claims: record.claims,
      acr: record.acr,
      dpopJkt: c.var.dpopJkt,
      scopeSet,
      resource: resources,
      grantedResources,
    },
    now,
  );
  // A reuse of the same token may revoke the family while this rotation mints. It deletes
  // the used token's record too: seeing that, revoke again, so the new token dies with it.
  const [, usedRow] = await db.batch([
    refreshRecord,
    refreshTokenRow(db, record.tokenHash),
    ...(session ? [touchSession(db, session.id, now)] : []),
  ]);
  if (usedRow.length === 0) await revokeFamily(db, record.familyId);
  logEvent("token.issued", {
    realm: realm.id,
    client: client.clientId,
    userId: user.id,
    grant: "refresh_token",
  });
  const issued = { clientId: client.clientId, userId: user.id, sessionId: bounds.id };
  emitTokenIssued(c, "REFRESH_TOKEN", { ...issued, scope: grantedScope });
  return response;
}
