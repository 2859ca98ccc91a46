import { drizzle } from "drizzle-orm/d1";
import * as roleSchema from "./role-schema";
import * as tables from "./schema";

const schema = { ...tables, ...roleSchema };

/** The drizzle handle over the realm store. */
export function database(db: D1Database) {
  return drizzle(db, { schema });
}

export type Database = ReturnType<typeof database>;
