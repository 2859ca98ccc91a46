import { and, eq, inArray, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { groups, roles } from "../db/role-schema";
import { clientScopes, clients, users } from "../db/schema";
import { emailLookupKey, lookupKey } from "../db/users";
import type { RealmRepresentation, UserRepresentation } from "./representation";

/** What a realm already has, by the names a realm file uses for it. */
export async function existingResources(db: Database, realmId: string, rep: RealmRepresentation) {
  const [clientRows, roleRows, groupRows, scopeRows] = await db.batch([
    db
      .select({ id: clients.id, clientId: clients.clientId })
      .from(clients)
      .where(eq(clients.realmId, realmId)),
    db.select().from(roles).where(eq(roles.realmId, realmId)),
    db.select().from(groups).where(eq(groups.realmId, realmId)),
    db
      .select({ id: clientScopes.id, name: clientScopes.name })
      .from(clientScopes)
      .where(eq(clientScopes.realmId, realmId)),
  ]);
  return {
    clients: clientRows,
    roles: roleRows,
    groups: groupRows,
    clientScopes: scopeRows,
    users: await existingUsers(db, realmId, rep.users ?? []),
  };
}

export type ExistingResources = Awaited<ReturnType<typeof existingResources>>;

/** The lookup keys a user of a file would take: their username (or email) and email. */
export function userKeys(user: UserRepresentation) {
  const username = user.username ?? user.email ?? "";
  return {
    username: lookupKey(username),
    email: user.email ? emailLookupKey(user.email) : undefined,
  };
}

// D1 binds at most 100 parameters per statement.
const KEYS_PER_QUERY = 45;

/** The realm's users whose username or email a file's users would take. */
async function existingUsers(db: Database, realmId: string, list: readonly UserRepresentation[]) {
  const keys = list.map(userKeys);
  const usernames = keys.map((key) => key.username);
  const emails = keys.flatMap((key) => (key.email ? [key.email] : []));
  const found: { id: string; usernameKey: string; emailKey: string | null }[] = [];
  const count = Math.max(usernames.length, emails.length);
  for (let at = 0; at < count; at += KEYS_PER_QUERY) {
    const someNames = usernames.slice(at, at + KEYS_PER_QUERY);
    const someEmails = emails.slice(at, at + KEYS_PER_QUERY);
    const rows = await db
      .select({ id: users.id, usernameKey: users.usernameKey, emailKey: users.emailKey })
      .from(users)
      .where(
        and(
          eq(users.realmId, realmId),
          or(
            someNames.length ? inArray(users.usernameKey, someNames) : undefined,
            someEmails.length ? inArray(users.emailKey, someEmails) : undefined,
          ),
        ),
      );
    found.push(...rows);
  }
  return found;
}

/** The id of the realm's user a file's user clashes with, if any. */
export function clashingUser(existing: ExistingResources, user: UserRepresentation) {
  const keys = userKeys(user);
  return existing.users.find(
    (row) =>
      row.usernameKey === keys.username ||
      (keys.email !== undefined && row.emailKey === keys.email),
  );
}
