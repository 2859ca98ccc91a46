import { eq } from "drizzle-orm";
import type { Database } from "./client";
import { realms } from "./schema";

export type Realm = typeof realms.$inferSelect;

export async function findRealmByName(db: Database, name: string): Promise<Realm | undefined> {
  return db.query.realms.findFirst({ where: eq(realms.name, name) });
}
