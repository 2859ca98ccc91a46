import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** The drizzle handle over the realm store. */
export function database(db: D1Database) {
  return drizzle(db, { schema });
}

export type Database = ReturnType<typeof database>;
