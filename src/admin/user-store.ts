import { and, asc, count, eq, isNull, like, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { hashPassword } from "../crypto/password";
import { randomId } from "../crypto/random";
import type { Database } from "../db/client";
import { credentials, users } from "../db/schema";
import { emailLookupKey, lookupKey, type User } from "../db/users";

/** Keycloak's user search parameters. */
export interface UserSearch {
  search?: string;
  username?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  exact?: boolean;
  /** `q=key:value key2:value2`: attribute values, all of which must match exactly. */
  attributes?: [string, string][];
}

/** A LIKE pattern for a substring, `*` as Keycloak's wildcard, `%` and `_` taken literally. */
function contains(value: string): string {
  const escaped = value.replace(/[\\%_]/g, (char) => `\\${char}`).replace(/\*/g, "%");
  return `%${escaped}%`;
}

function matches(column: SQLWrapper, value: string, exact: boolean): SQL {
  if (exact) return sql`${column} = ${value}`;
  return sql`${column} LIKE ${contains(value)} ESCAPE '\\'`;
}

/** The WHERE clause of a user search; service accounts are never listed, as in Keycloak. */
function searchCondition(realmId: string, query: UserSearch): SQL | undefined {
  const exact = query.exact ?? false;
  const lower = (column: SQLWrapper) => sql`lower(${column})`;
  const conditions: (SQL | undefined)[] = [
    eq(users.realmId, realmId),
    isNull(users.serviceAccountClientId),
  ];
  if (query.search !== undefined && query.search !== "*") {
    const term = lookupKey(query.search);
    conditions.push(
      or(
        matches(users.usernameKey, term, false),
        like(users.emailKey, contains(term)),
        matches(lower(users.firstName), term, false),
        matches(lower(users.lastName), term, false),
      ),
    );
  }
  if (query.username !== undefined) {
    conditions.push(matches(users.usernameKey, lookupKey(query.username), exact));
  }
  if (query.email !== undefined) {
    conditions.push(matches(sql`${users.emailKey}`, emailLookupKey(query.email), exact));
  }
  if (query.firstName !== undefined) {
    conditions.push(matches(lower(users.firstName), query.firstName.toLowerCase(), exact));
  }
  if (query.lastName !== undefined) {
    conditions.push(matches(lower(users.lastName), query.lastName.toLowerCase(), exact));
  }
  for (const [key, value] of query.attributes ?? []) {
    conditions.push(sql`EXISTS (SELECT 1 FROM json_each(${users.attributes}) a, json_each(a.value) v
      WHERE a.key = ${key} AND v.value = ${value})`);
  }
  return and(...conditions);
}

/** One page of a realm's users matching a search, by username. */
export function searchUsers(
  db: Database,
  realmId: string,
  query: UserSearch,
  page: { first: number; max: number },
): Promise<User[]> {
  return db
    .select()
    .from(users)
    .where(searchCondition(realmId, query))
    .orderBy(asc(users.usernameKey))
    .limit(page.max)
    .offset(page.first);
}

/** How many of a realm's users match a search. */
export async function countUsers(db: Database, realmId: string, query: UserSearch) {
  const [row] = await db
    .select({ total: count() })
    .from(users)
    .where(searchCondition(realmId, query));
  return row?.total ?? 0;
}

/** Replaces a user's password: the old credential goes, the new one comes, in one batch. */
export async function replacePassword(db: Database, userId: string, password: string) {
  const secretData = await hashPassword(password);
  await db.batch([
    db
      .delete(credentials)
      .where(and(eq(credentials.userId, userId), eq(credentials.type, "password"))),
    db.insert(credentials).values({
      id: randomId(),
      userId,
      type: "password",
      secretData,
      createdAt: Math.floor(Date.now() / 1000),
    }),
  ]);
}
