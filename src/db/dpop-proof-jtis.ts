import type { Database } from "./client";
import { dpopProofJtis } from "./schema";

/**
 * Records a DPoP proof's `jti` as used, in one atomic insert: true the first time, false when
 * a proof with the same key already carried it (RFC 9449 §11.1). The row lives while the
 * proof's `iat` is within the accepted window.
 */
export async function recordProofJti(
  db: Database,
  realmId: string,
  jkt: string,
  jti: string,
  expiresAt: number,
): Promise<boolean> {
  const inserted = await db
    .insert(dpopProofJtis)
    .values({ realmId, jkt, jti, expiresAt })
    .onConflictDoNothing()
    .returning({ jti: dpopProofJtis.jti });
  return inserted.length === 1;
}
