import { getTableName, is, Table } from "drizzle-orm";
import * as schema from "../db/schema";

export interface RealmSql {
  /** The statements to run on the target database, one a line. */
  sql: string;
  /** How many rows the statements insert, per table. */
  rows: Record<string, number>;
}

const ourTables: ReadonlySet<string> = new Set(
  Object.values(schema)
    .filter((value) => is(value, Table))
    .map((table) => getTableName(table)),
);

// Wrangler's and SQLite's own bookkeeping: the staging database's migration history, KV-style
// `_cf_` tables and AUTOINCREMENT counters belong to that database, not to the realm.
const bookkeeping = /^(d1_migrations|_cf_.*|sqlite_.*)$/;

// The export inserts tables in the order they were created (clients before realms), so foreign
// keys may only be checked at the end of the transaction.
const deferForeignKeys = "PRAGMA defer_foreign_keys=TRUE;";

const insert = /^INSERT INTO "((?:[^"]|"")+)" \(/;

/**
 * Keeps from a `wrangler d1 export --no-schema` dump only the INSERTs into Latchkey's own tables.
 * The dump writes one statement a line (newlines inside strings are written as `char(10)`);
 * anything that is not an INSERT, or goes into a table we don't know, is refused.
 */
export function realmDataSql(dump: string): RealmSql {
  const kept: string[] = [deferForeignKeys];
  const rows: Record<string, number> = {};

  for (const line of dump.split("\n")) {
    const statement = line.trim();
    if (statement === "" || statement === deferForeignKeys) continue;

    const table = insert.exec(statement)?.[1]?.replaceAll('""', '"');
    if (table === undefined) throw unexpected(`a statement other than INSERT: ${preview(line)}`);

    if (bookkeeping.test(table)) continue;

    if (!ourTables.has(table)) throw unexpected(`rows for an unknown table "${table}"`);

    kept.push(statement);
    rows[table] = (rows[table] ?? 0) + 1;
  }
  return { sql: `${kept.join("\n")}\n`, rows };
}

function unexpected(what: string): Error {
  return new Error(`the exported realm data has ${what}; nothing was written`);
}

function preview(line: string): string {
  return line.length > 60 ? `${line.slice(0, 60)}...` : line;
}
