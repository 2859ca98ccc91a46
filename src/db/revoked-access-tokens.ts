import { and, eq } from "drizzle-orm";
import type { JWTPayload } from "jose";
import type { Database } from "./client";
import { revokedAccessTokens } from "./schema";

/**
 * Puts an access token on the realm's deny list until its `exp` (RFC 7009 §2); revoking it
 * again changes nothing. A token without `jti` or `exp` is none of ours and is not listed.
 */
export async function revokeAccessToken(
  db: Database,
  realmId: string,
  claims: JWTPayload,
): Promise<void> {
  if (typeof claims.jti !== "string" || typeof claims.exp !== "number") return;
  await db
    .insert(revokedAccessTokens)
    .values({ realmId, jti: claims.jti, expiresAt: claims.exp })
    .onConflictDoNothing();
}

/** Whether an access token was revoked; a token without `jti` cannot have been. */
export async function isAccessTokenRevoked(
  db: Database,
  realmId: string,
  claims: JWTPayload,
): Promise<boolean> {
  if (typeof claims.jti !== "string") return false;
  const row = await db
    .select({ jti: revokedAccessTokens.jti })
    .from(revokedAccessTokens)
    .where(and(eq(revokedAccessTokens.realmId, realmId), eq(revokedAccessTokens.jti, claims.jti)))
    .get();
  return row !== undefined;
}
