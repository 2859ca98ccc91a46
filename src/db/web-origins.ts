import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { clients } from "./schema";

/** Whether an enabled client of the realm registers `origin` among its web origins. */
export async function realmHasWebOrigin(
  db: Database,
  realmId: string,
  origin: string,
): Promise<boolean> {
  const rows = await db
    .select({ id: clients.id })
    .from(clients)
    .where(
      and(
        eq(clients.realmId, realmId),
        eq(clients.enabled, true),
        sql`exists (select 1 from json_each(${clients.webOrigins}) where value = ${origin})`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Every web origin an enabled client of the realm registers, once each. */
export async function realmWebOrigins(db: Database, realmId: string): Promise<string[]> {
  const rows = await db.all<{ origin: string }>(
    sql`select distinct value as origin from ${clients}, json_each(${clients.webOrigins})
        where ${clients.realmId} = ${realmId} and ${clients.enabled} = 1 order by origin`,
  );
  return rows.map((row) => row.origin);
}
