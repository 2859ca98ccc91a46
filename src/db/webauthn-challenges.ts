import { and, eq } from "drizzle-orm";
import { sha256 } from "../crypto/digest";
import type { PasskeyCeremony } from "../webauthn/policy";
import type { Database } from "./client";
import { type PendingPasskeyAddition, type PendingPasskeyUser, webauthnChallenges } from "./schema";

/** Long enough to find a security key, short enough that a stolen challenge soon goes stale. */
export const CHALLENGE_LIFETIME_SECONDS = 300;

export interface StoredChallenge {
  challenge: string;
  pending: PendingPasskeyUser | PendingPasskeyAddition | null;
  expiresAt: number;
}

/**
 * Records the challenge of a ceremony for one sign-in attempt, replacing any earlier one of
 * the same ceremony (a person who clicks twice only ever holds the latest).
 */
export async function storeChallenge(
  db: Database,
  realmId: string,
  attempt: string,
  ceremony: PasskeyCeremony,
  challenge: string,
  now: number,
  pending: PendingPasskeyUser | PendingPasskeyAddition | null = null,
): Promise<void> {
  const row = {
    attemptHash: await sha256(attempt),
    ceremony,
    realmId,
    challenge,
    pending,
    expiresAt: now + CHALLENGE_LIFETIME_SECONDS,
  };
  await db
    .insert(webauthnChallenges)
    .values(row)
    .onConflictDoUpdate({
      target: [webauthnChallenges.attemptHash, webauthnChallenges.ceremony],
      set: { realmId, challenge, pending, expiresAt: row.expiresAt },
    });
}

/**
 * Takes the attempt's challenge for a ceremony in one DELETE ... RETURNING, so it answers one
 * response at most; expired ones are taken too and reported as such by the caller.
 */
export async function consumeChallenge(
  db: Database,
  realmId: string,
  attempt: string,
  ceremony: PasskeyCeremony,
): Promise<StoredChallenge | undefined> {
  const [row] = await db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.attemptHash, await sha256(attempt)),
        eq(webauthnChallenges.ceremony, ceremony),
        eq(webauthnChallenges.realmId, realmId),
      ),
    )
    .returning({
      challenge: webauthnChallenges.challenge,
      pending: webauthnChallenges.pending,
      expiresAt: webauthnChallenges.expiresAt,
    });
  return row;
}
