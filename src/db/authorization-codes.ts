import { and, eq, gt, isNull } from "drizzle-orm";
import { sha256 } from "../crypto/digest";
import { randomId, randomToken } from "../crypto/random";
import type { Database } from "./client";
import { authorizationCodes, refreshTokens, sessions } from "./schema";
import { type EndedSession, endedSession, sessionCodeClients } from "./sessions";

export type AuthorizationCode = typeof authorizationCodes.$inferSelect;

/** RFC 6749 §4.1.2 recommends ten minutes at most; Keycloak's default is one minute. */
export const CODE_LIFETIME_SECONDS = 60;

export type NewCode = Omit<AuthorizationCode, "codeHash" | "familyId" | "expiresAt" | "consumedAt">;

/** Stores a new authorization code (hashed) and returns the code itself. */
export async function storeAuthorizationCode(
  db: Database,
  grant: NewCode,
  now: number,
): Promise<string> {
  const code = randomToken();
  await db.insert(authorizationCodes).values({
    ...grant,
    codeHash: await sha256(code),
    familyId: randomId(),
    expiresAt: now + CODE_LIFETIME_SECONDS,
    consumedAt: null,
  });
  return code;
}

export type ConsumeResult =
  | { outcome: "consumed"; code: AuthorizationCode }
  | { outcome: "replayed"; code: AuthorizationCode }
  | { outcome: "expired" }
  | { outcome: "unknown" };

/**
 * Consumes a code in one atomic statement, so two concurrent exchanges cannot both win. A
 * code already consumed is reported as replayed, so its refresh token family can be revoked.
 */
export async function consumeAuthorizationCode(
  db: Database,
  code: string,
  now: number,
): Promise<ConsumeResult> {
  const codeHash = await sha256(code);
  const [consumed] = await db
    .update(authorizationCodes)
    .set({ consumedAt: now })
    .where(
      and(
        eq(authorizationCodes.codeHash, codeHash),
        isNull(authorizationCodes.consumedAt),
        gt(authorizationCodes.expiresAt, now),
      ),
    )
    .returning();
  if (consumed) return { outcome: "consumed", code: consumed };

  const existing = await db.query.authorizationCodes.findFirst({
    where: eq(authorizationCodes.codeHash, codeHash),
  });
  if (!existing) return { outcome: "unknown" };
  if (existing.consumedAt !== null) return { outcome: "replayed", code: existing };
  return { outcome: "expired" };
}

/**
 * Forgets a code whose exchange failed after it was consumed. Nothing was issued from it, so a
 * later use is no replay to revoke for: it answers as an unknown code, and the session stays.
 */
export async function discardCode(db: Database, codeHash: string): Promise<void> {
  await db.delete(authorizationCodes).where(eq(authorizationCodes.codeHash, codeHash));
}

/**
 * Answers a replayed code: the code's row, the session it was issued in and every refresh
 * token of that session go in one batch. Ending the session also stops the access tokens
 * issued from the code at userinfo and introspection, which check the session. The code's
 * row goes too, so an exchange of it that is still minting sees the replay. Returns the ended
 * session and its clients, to be told of the end.
 */
export async function revokeReplayedCode(
  db: Database,
  code: AuthorizationCode,
): Promise<EndedSession | undefined> {
  const [codeClients, , , tokenClients, ended] = await db.batch([
    sessionCodeClients(db, code.sessionId),
    db.delete(authorizationCodes).where(eq(authorizationCodes.codeHash, code.codeHash)),
    db.delete(refreshTokens).where(eq(refreshTokens.familyId, code.familyId)),
    db
      .delete(refreshTokens)
      .where(eq(refreshTokens.sessionId, code.sessionId))
      .returning({ clientId: refreshTokens.clientId }),
    db.delete(sessions).where(eq(sessions.id, code.sessionId)).returning(),
  ]);
  return endedSession(ended, codeClients, tokenClients);
}

/** The query for whether a code's row is still there, to batch with an exchange's writes. */
export function authorizationCodeRow(db: Database, codeHash: string) {
  return db
    .select({ codeHash: authorizationCodes.codeHash })
    .from(authorizationCodes)
    .where(eq(authorizationCodes.codeHash, codeHash));
}
