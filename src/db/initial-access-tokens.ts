import { and, eq, gt, sql } from "drizzle-orm";
import { sha256 } from "../crypto/digest";
import { randomToken } from "../crypto/random";
import type { Database } from "./client";
import { initialAccessTokens } from "./schema";

export interface InitialAccessTokenOptions {
  /** Seconds until the token expires. */
  expiresIn: number;
  /** How many clients it may register. */
  count: number;
  now: number;
}

/** Creates an initial access token and returns it; only its SHA-256 is stored. */
export async function createInitialAccessToken(
  db: Database,
  realmId: string,
  { expiresIn, count, now }: InitialAccessTokenOptions,
): Promise<string> {
  const token = randomToken();
  await db.insert(initialAccessTokens).values({
    tokenHash: await sha256(token),
    realmId,
    remainingCount: count,
    expiresAt: now + expiresIn,
    createdAt: now,
  });
  return token;
}

function usable(realmId: string, tokenHash: string, now: number) {
  return and(
    eq(initialAccessTokens.tokenHash, tokenHash),
    eq(initialAccessTokens.realmId, realmId),
    gt(initialAccessTokens.expiresAt, now),
    gt(initialAccessTokens.remainingCount, 0),
  );
}

/** Whether the token could register a client now, without using it up. */
export async function isInitialAccessTokenUsable(
  db: Database,
  realmId: string,
  token: string,
  now: number,
): Promise<boolean> {
  const row = await db.query.initialAccessTokens.findFirst({
    where: usable(realmId, await sha256(token), now),
  });
  return row !== undefined;
}

/**
 * Uses the token once, in one statement, so two registrations racing for its last use cannot
 * both win. Answers whether it was usable.
 */
export async function useInitialAccessToken(
  db: Database,
  realmId: string,
  token: string,
  now: number,
): Promise<boolean> {
  const rows = await db
    .update(initialAccessTokens)
    .set({ remainingCount: sql`${initialAccessTokens.remainingCount} - 1` })
    .where(usable(realmId, await sha256(token), now))
    .returning({ remaining: initialAccessTokens.remainingCount });
  return rows.length === 1;
}
