import { describe, expect, it } from "vitest";
import { realmDataSql } from "../../../src/cli/realm-sql";

const defer = "PRAGMA defer_foreign_keys=TRUE;";
const client = `INSERT INTO "clients" ("id","realm_id") VALUES('c1','r1');`;
// The dump writes a newline inside a string as char(10), so each statement is one line.
const realm = `INSERT INTO "realms" ("id","name") VALUES('r1',replace('a\\nb','\\n',char(10)));`;

describe("the SQL that import-realm applies to the target database", () => {
  it("keeps INSERTs into Latchkey's tables, in order, with foreign key checks deferred", () => {
    const dump = [defer, client, realm].join("\n");

    expect(realmDataSql(dump)).toEqual({
      sql: `${defer}\n${client}\n${realm}\n`,
      rows: { clients: 1, realms: 1 },
    });
  });

  it("leaves out the staging database's migration history, _cf_ tables and sqlite_sequence", () => {
    const dump = [
      defer,
      `INSERT INTO "d1_migrations" ("id","name") VALUES(1,'0000_init.sql');`,
      `INSERT INTO "_cf_KV" ("key","value") VALUES('k','v');`,
      `INSERT INTO "sqlite_sequence" ("name","seq") VALUES('d1_migrations',1);`,
      realm,
    ].join("\n");

    expect(realmDataSql(dump).sql).toBe(`${defer}\n${realm}\n`);
  });

  it("refuses a dump with anything but INSERTs", () => {
    expect(() => realmDataSql(`${defer}\nDROP TABLE "realms";`)).toThrow(
      'the exported realm data has a statement other than INSERT: DROP TABLE "realms";',
    );
    expect(() => realmDataSql('CREATE TABLE "x" ("a");')).toThrow(/other than INSERT/);
  });

  it("refuses rows for a table that is not Latchkey's", () => {
    expect(() => realmDataSql(`INSERT INTO "accounts" ("id") VALUES('a');`)).toThrow(
      'the exported realm data has rows for an unknown table "accounts"; nothing was written',
    );
  });
});
