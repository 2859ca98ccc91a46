import { and, desc, eq, isNull, or, sql } from "drizzle-orm";
import { hashPassword } from "../crypto/password";
import { randomId } from "../crypto/random";
import type { Database } from "./client";
import { defaultMemberships, type Memberships, membershipInserts } from "./roles";
import { credentials, passkeys, users } from "./schema";

export type User = typeof users.$inferSelect;

/** The lookup key for an email or username: Unicode NFKC, then lower case, trimmed. */
export function lookupKey(value: string): string {
  return value.normalize("NFKC").trim().toLowerCase();
}

/**
 * The lookup key for an email: the local part as `lookupKey` makes it, the domain in its
 * ASCII (IDNA) form, so `bücher.example` and `xn--bcher-kva.example` are one mailbox.
 */
export function emailLookupKey(email: string): string {
  const key = lookupKey(email);
  const at = key.lastIndexOf("@");
  const domain = key.slice(at + 1);
  // Only a bare domain: anything URL syntax would read as path, port or user stays as it is.
  if (at < 0 || /[/?#@:\\\s%]/.test(domain)) return key;

  try {
    return `${key.slice(0, at)}@${new URL(`http://${domain}`).hostname}`;
  } catch {
    return key;
  }
}

export interface NewUser {
  /** An existing user's id, for statements that replace that user (partial import). */
  id?: string;
  username?: string;
  email?: string;
  emailVerified?: boolean;
  firstName?: string;
  lastName?: string;
  attributes?: Record<string, string[]>;
  enabled?: boolean;
  password?: string;
  /** A hash made elsewhere (an imported Keycloak credential), stored instead of `password`'s. */
  passwordHash?: string;
  /** The user's roles and groups; by default the realm's default role and groups. */
  memberships?: Memberships;
  /** A passkey registered with the account, stored in the same batch. */
  passkey?: Omit<typeof passkeys.$inferInsert, "id" | "realmId" | "userId">;
}

/** Thrown when a username, email or passkey credential id is already taken in the realm. */
export class DuplicateUserError extends Error {
  constructor(readonly field: "username" | "email" | "passkey") {
    super(`duplicate ${field}`);
  }
}

/**
 * Creates a user and, when given, their password credential in one batch, so a failure
 * leaves neither behind. The username defaults to the email, as with Keycloak's
 * "email as username".
 */
export async function createUser(db: Database, realmId: string, input: NewUser): Promise<User> {
  const memberships = input.memberships ?? (await defaultMemberships(db, realmId));
  const { user, statements } = await newUserStatements(db, realmId, { ...input, memberships });
  try {
    await db.batch([db.insert(users).values(user), ...statements]);
  } catch (error) {
    throw duplicateOrRethrow(error);
  }
  return user;
}

/**
 * The row of a new user and the statements that store their password, passkey and
 * memberships, for a caller that writes many users in one batch (inserting the user row first).
 */
export async function newUserStatements(
  db: Database,
  realmId: string,
  input: NewUser & { memberships: Memberships },
) {
  const username = input.username ?? input.email;
  if (!username) throw new Error("a user needs a username or an email");
  const now = Math.floor(Date.now() / 1000);
  const user: User = {
    id: input.id ?? randomId(),
    realmId,
    username,
    usernameKey: lookupKey(username),
    email: input.email ?? null,
    emailKey: input.email ? emailLookupKey(input.email) : null,
    emailVerified: input.emailVerified ?? false,
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    attributes: input.attributes ?? null,
    enabled: input.enabled ?? true,
    serviceAccountClientId: null,
    createdAt: now,
  };
  const secretData =
    input.passwordHash ??
    (input.password === undefined ? null : await hashPassword(input.password));

  const password =
    secretData === null
      ? []
      : [
          db.insert(credentials).values({
            id: randomId(),
            userId: user.id,
            type: "password",
            secretData,
            createdAt: now,
          }),
        ];
  const passkey = input.passkey
    ? [db.insert(passkeys).values({ ...input.passkey, id: randomId(), realmId, userId: user.id })]
    : [];
  const memberships = membershipInserts(db, user.id, input.memberships);
  return { user, statements: [...password, ...passkey, ...memberships] };
}

function duplicateOrRethrow(error: unknown): unknown {
  const message = String((error as { cause?: unknown })?.cause ?? error);
  if (message.includes("users.email_key") || message.includes("users_realm_email")) {
    return new DuplicateUserError("email");
  }
  if (message.includes("users.username_key") || message.includes("users_realm_username")) {
    return new DuplicateUserError("username");
  }
  if (message.includes("passkeys.credential_id") || message.includes("passkeys_realm_credential")) {
    return new DuplicateUserError("passkey");
  }
  return error;
}

/** Keycloak's service account username: a prefix and the clientId, in lower case. */
export function serviceAccountUsername(clientId: string): string {
  return `service-account-${clientId.toLowerCase()}`;
}

/**
 * The row of a client's service account: no email, no password, enabled, linked to the client
 * by its row id. The caller inserts it, e.g. in the batch that creates the client.
 */
export function serviceAccountUser(
  realmId: string,
  client: { id: string; clientId: string },
  now: number,
): User {
  const username = serviceAccountUsername(client.clientId);
  return {
    id: randomId(),
    realmId,
    username,
    usernameKey: lookupKey(username),
    email: null,
    emailKey: null,
    emailVerified: false,
    firstName: null,
    lastName: null,
    attributes: null,
    enabled: true,
    serviceAccountClientId: client.id,
    createdAt: now,
  };
}

/** The service account of a client, by the client's row id. */
export async function findServiceAccount(db: Database, realmId: string, clientRowId: string) {
  return db.query.users.findFirst({
    where: and(eq(users.realmId, realmId), eq(users.serviceAccountClientId, clientRowId)),
  });
}

/**
 * Finds the user a sign-in names (by email first, then username) with their password hash,
 * in one query whatever the outcome, so the time taken does not tell whether they exist.
 * Service accounts are never candidates: they act only through their client's credentials.
 */
export async function findLoginCandidate(
  db: Database,
  realmId: string,
  login: string,
): Promise<{ user: User; passwordHash: string | null } | undefined> {
  const key = lookupKey(login);
  const emailKey = emailLookupKey(login);
  const [row] = await db
    .select({ user: users, passwordHash: credentials.secretData })
    .from(users)
    .leftJoin(credentials, and(eq(credentials.userId, users.id), eq(credentials.type, "password")))
    .where(
      and(
        eq(users.realmId, realmId),
        isNull(users.serviceAccountClientId),
        or(eq(users.emailKey, emailKey), eq(users.usernameKey, key)),
      ),
    )
    .orderBy(desc(sql`${users.emailKey} = ${emailKey}`))
    .limit(1);
  return row;
}

export async function findUserById(db: Database, realmId: string, id: string) {
  return db.query.users.findFirst({ where: and(eq(users.realmId, realmId), eq(users.id, id)) });
}

/** Replaces a password hash, e.g. when its parameters were raised since it was made. */
export async function updatePasswordHash(db: Database, userId: string, secretData: string) {
  await db
    .update(credentials)
    .set({ secretData })
    .where(and(eq(credentials.userId, userId), eq(credentials.type, "password")));
}
