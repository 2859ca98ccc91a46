import { eq } from "drizzle-orm";
import { publishedKeysKey } from "../keys/published-keys";
import { forgetRealmKeys } from "../keys/realm-keys";
import type { Database } from "./client";
import { authorizationCodes, deviceCodes, realms, refreshTokens } from "./schema";

/**
 * Deletes a realm and every row of it in one batch: the tables that name the realm without a
 * foreign key first, then the realm, whose deletion cascades to the rest. Its published keys
 * leave KV and this isolate's memory after.
 */
export async function deleteRealm(db: Database, kv: KVNamespace, realmId: string): Promise<void> {
  await db.batch([
    db.delete(authorizationCodes).where(eq(authorizationCodes.realmId, realmId)),
    db.delete(deviceCodes).where(eq(deviceCodes.realmId, realmId)),
    db.delete(refreshTokens).where(eq(refreshTokens.realmId, realmId)),
    db.delete(realms).where(eq(realms.id, realmId)),
  ]);
  forgetRealmKeys(realmId);
  await kv.delete(publishedKeysKey(realmId));
}
