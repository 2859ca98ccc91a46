import { and, inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { adminEvents, dataAccess, events, webhookDeliveries } from "../db/schema";

/** Finished webhook deliveries stay in the endpoint's log this long. */
export const DELIVERY_LOG_SECONDS = 30 * 24 * 3600;

/** Deletes expired events, admin events, access records and old delivery logs. */
export async function deleteExpiredEvents(db: Database, now: number): Promise<void> {
  await db.batch([
    db.delete(events).where(lt(events.expiresAt, now)),
    db.delete(adminEvents).where(lt(adminEvents.expiresAt, now)),
    db.delete(dataAccess).where(lt(dataAccess.expiresAt, now)),
    db
      .delete(webhookDeliveries)
      .where(
        and(
          inArray(webhookDeliveries.status, ["delivered", "failed"]),
          lt(webhookDeliveries.createdAt, (now - DELIVERY_LOG_SECONDS) * 1000),
        ),
      ),
  ]);
}
