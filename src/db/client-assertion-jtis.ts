import type { Database } from "./client";
import { clientAssertionJtis } from "./schema";

/**
 * Records a client assertion's `jti` as used, in one atomic insert: true the first time,
 * false when the same client already presented it (RFC 7523 §3, item 7). The row lives until
 * the assertion expires; after that `exp` alone refuses the assertion.
 */
export async function recordAssertionJti(
  db: Database,
  clientRowId: string,
  jti: string,
  expiresAt: number,
): Promise<boolean> {
  const inserted = await db
    .insert(clientAssertionJtis)
    .values({ clientId: clientRowId, jti, expiresAt })
    .onConflictDoNothing()
    .returning({ jti: clientAssertionJtis.jti });
  return inserted.length === 1;
}
