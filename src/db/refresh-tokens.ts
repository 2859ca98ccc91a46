import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import { sha256 } from "../crypto/digest";
import type { Database } from "./client";
import { refreshTokens } from "./schema";

export type RefreshTokenRecord = typeof refreshTokens.$inferSelect;

/**
 * The insert for a new refresh token's record (only the token's hash is stored), returned
 * unexecuted so the caller can batch it with its other writes.
 */
export function refreshTokenInsert(db: Database, record: Omit<RefreshTokenRecord, "rotatedAt">) {
  return db.insert(refreshTokens).values({ ...record, rotatedAt: null });
}

export type RotateResult =
  | { outcome: "rotated"; record: RefreshTokenRecord }
  | { outcome: "reused"; record: RefreshTokenRecord }
  | { outcome: "unknown" };

/**
 * Marks a refresh token as used in one atomic statement. A token that was already rotated
 * is reported as reused: the caller revokes its whole family (RFC 9700 §4.14.2).
 */
export async function rotateRefreshToken(
  db: Database,
  token: string,
  now: number,
): Promise<RotateResult> {
  const tokenHash = await sha256(token);
  const [record] = await db
    .update(refreshTokens)
    .set({ rotatedAt: now })
    .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.rotatedAt)))
    .returning();
  if (record) return { outcome: "rotated", record };

  const existing = await db.query.refreshTokens.findFirst({
    where: eq(refreshTokens.tokenHash, tokenHash),
  });
  return existing ? { outcome: "reused", record: existing } : { outcome: "unknown" };
}

/** Revokes every refresh token of a family. */
export async function revokeFamily(db: Database, familyId: string): Promise<void> {
  await db.delete(refreshTokens).where(eq(refreshTokens.familyId, familyId));
}

/** The query for whether a token's record is still there, to batch with a rotation's writes. */
export function refreshTokenRow(db: Database, tokenHash: string) {
  return db
    .select({ tokenHash: refreshTokens.tokenHash })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, tokenHash));
}

/** The stored record of a refresh token, rotated or not, if it has not been revoked. */
export async function findRefreshToken(
  db: Database,
  token: string,
): Promise<RefreshTokenRecord | undefined> {
  return db.query.refreshTokens.findFirst({
    where: eq(refreshTokens.tokenHash, await sha256(token)),
  });
}

/**
 * Revokes the whole family of a refresh token in one statement, only when the token was
 * issued to `clientId` in `realmId`; any other token revokes nothing. Returns how many
 * refresh tokens ended.
 */
export async function revokeFamilyOfToken(
  db: Database,
  token: string,
  realmId: string,
  clientId: string,
): Promise<number> {
  const family = db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(
      and(
        eq(refreshTokens.tokenHash, await sha256(token)),
        eq(refreshTokens.realmId, realmId),
        eq(refreshTokens.clientId, clientId),
      ),
    );
  const revoked = await db
    .delete(refreshTokens)
    .where(inArray(refreshTokens.familyId, family))
    .returning({ tokenHash: refreshTokens.tokenHash });
  return revoked.length;
}

/**
 * Whether an offline session lives on for a session id: an unspent, unexpired offline token
 * issued in it. Access tokens minted from offline tokens stay good while it does.
 */
export async function offlineSessionLives(
  db: Database,
  sessionId: string,
  userId: string,
  now: number,
): Promise<boolean> {
  const [row] = await db
    .select({ tokenHash: refreshTokens.tokenHash })
    .from(refreshTokens)
    .where(
      and(
        eq(refreshTokens.sessionId, sessionId),
        eq(refreshTokens.userId, userId),
        eq(refreshTokens.offline, true),
        isNull(refreshTokens.rotatedAt),
        gt(refreshTokens.expiresAt, now),
      ),
    )
    .limit(1);
  return row !== undefined;
}
