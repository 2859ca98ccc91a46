import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import type { PasskeyCeremony } from "../webauthn/policy";
import { realms, users } from "./schema";

const flag = (name: string) => integer(name, { mode: "boolean" });

/** WebAuthn credentials (passkeys): one row per public key a person registered. */
export const passkeys = sqliteTable(
  "passkeys",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The credential id the authenticator chose, base64url. */
    credentialId: text("credential_id").notNull(),
    /** The COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    /** The signature counter last seen; 0 for authenticators that keep none. */
    counter: integer("counter").notNull().default(0),
    transports: text("transports", { mode: "json" }).$type<string[]>().notNull(),
    backupEligible: flag("backup_eligible").notNull(),
    backupState: flag("backup_state").notNull(),
    aaguid: text("aaguid").notNull(),
    /** WebAuthn's user.id: random per user, never the user id or email, base64url. */
    userHandle: text("user_handle").notNull(),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [
    uniqueIndex("passkeys_realm_credential").on(t.realmId, t.credentialId),
    index("passkeys_user").on(t.userId),
  ],
);

/**
 * Outstanding WebAuthn challenges, one per ceremony and sign-in attempt (a browser cookie,
 * stored hashed); consumed by one DELETE ... RETURNING.
 */
export const webauthnChallenges = sqliteTable(
  "webauthn_challenges",
  {
    /** SHA-256 of the attempt cookie, base64url. */
    attemptHash: text("attempt_hash").notNull(),
    ceremony: text("ceremony").$type<PasskeyCeremony>().notNull(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    challenge: text("challenge").notNull(),
    /** Who the new passkey is for: a sign-up's new account, or a signed-in person. */
    pending: text("pending", { mode: "json" }).$type<PendingPasskeyUser | PendingPasskeyAddition>(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.attemptHash, t.ceremony] }),
    index("webauthn_challenges_expiry").on(t.expiresAt),
  ],
);

/** The account a passkey sign-up creates once the ceremony succeeds. */
export interface PendingPasskeyUser {
  email: string;
  firstName: string;
  lastName: string;
  userHandle: string;
}

/** The signed-in person a passkey added from the account page is for, and its user handle. */
export interface PendingPasskeyAddition {
  userId: string;
  userHandle: string;
}
