import { lt } from "drizzle-orm";
import type { Database } from "./client";
import {
  authorizationCodes,
  clientAssertionJtis,
  deviceCodes,
  dpopProofJtis,
  initialAccessTokens,
  pushedAuthorizationRequests,
  refreshTokens,
  revokedAccessTokens,
  sessions,
  webauthnChallenges,
} from "./schema";

/** A consumed code is kept past its expiry only as long as replay detection needs it. */
const CODE_GRACE_SECONDS = 600;

/** Deletes expired single-use artefacts and sessions; run by the scheduled handler. */
export async function deleteExpiredGrants(db: Database, now: number): Promise<void> {
  await db.batch([
    db.delete(authorizationCodes).where(lt(authorizationCodes.expiresAt, now - CODE_GRACE_SECONDS)),
    db.delete(deviceCodes).where(lt(deviceCodes.expiresAt, now - CODE_GRACE_SECONDS)),
    db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, now)),
    db.delete(sessions).where(lt(sessions.expiresAt, now)),
    db.delete(initialAccessTokens).where(lt(initialAccessTokens.expiresAt, now)),
    db.delete(clientAssertionJtis).where(lt(clientAssertionJtis.expiresAt, now)),
    db.delete(dpopProofJtis).where(lt(dpopProofJtis.expiresAt, now)),
    db.delete(pushedAuthorizationRequests).where(lt(pushedAuthorizationRequests.expiresAt, now)),
    db.delete(revokedAccessTokens).where(lt(revokedAccessTokens.expiresAt, now)),
    db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, now)),
  ]);
}
