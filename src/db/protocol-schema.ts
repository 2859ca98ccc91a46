import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { clients, realms } from "./schema";

const createdAt = () => integer("created_at").notNull();

/** Signing keys and the single-use artefacts of client authentication, DPoP and PAR. */

export const signingKeys = sqliteTable(
  "signing_keys",
  {
    kid: text("kid").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    alg: text("alg").notNull(),
    /** `next` is published but never signs; `active` signs; `retired` only verifies. */
    status: text("status", { enum: ["next", "active", "retired"] }).notNull(),
    publicJwk: text("public_jwk", { mode: "json" }).$type<JsonWebKey>().notNull(),
    /** The private JWK sealed with AES-256-GCM under KEY_ENCRYPTION_SECRET. */
    privateJwkSealed: text("private_jwk_sealed").notNull(),
    createdAt: createdAt(),
    /** When a `next` key was first written to KV: its publication delay counts from here. */
    publishedAt: integer("published_at"),
    /** When the key began signing; null for keys generated active before rotation existed. */
    activatedAt: integer("activated_at"),
    /** When the key stopped signing: its grace period counts from here. */
    retiredAt: integer("retired_at"),
  },
  (t) => [
    uniqueIndex("signing_keys_one_active").on(t.realmId, t.alg).where(sql`status = 'active'`),
    uniqueIndex("signing_keys_one_next").on(t.realmId, t.alg).where(sql`status = 'next'`),
  ],
);

/** `jti`s of client assertions already used, kept until the assertion expires (RFC 7523 §3). */
export const clientAssertionJtis = sqliteTable(
  "client_assertion_jtis",
  {
    clientId: text("client_id")
      .notNull()
      .references(() => clients.id, { onDelete: "cascade" }),
    jti: text("jti").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.jti] }),
    index("client_assertion_jtis_expires").on(t.expiresAt),
  ],
);

/**
 * `jti`s of DPoP proofs already used (RFC 9449 §11.1), per realm and key, kept until the
 * proof's `iat` falls out of the accepted window; after that `iat` alone refuses the proof.
 */
export const dpopProofJtis = sqliteTable(
  "dpop_proof_jtis",
  {
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    /** The JWK SHA-256 thumbprint of the proof's key (RFC 7638). */
    jkt: text("jkt").notNull(),
    jti: text("jti").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.realmId, t.jkt, t.jti] }),
    index("dpop_proof_jtis_expires").on(t.expiresAt),
  ],
);

/** Pushed authorization requests (RFC 9126), until their request_uri is used or expires. */
export const pushedAuthorizationRequests = sqliteTable(
  "pushed_authorization_requests",
  {
    /** SHA-256 of the request_uri, base64url. */
    requestUriHash: text("request_uri_hash").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.id, { onDelete: "cascade" }),
    /** The authorization request's parameters, as validated when pushed. */
    params: text("params", { mode: "json" }).$type<Record<string, string>>().notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("pushed_authorization_requests_expires").on(t.expiresAt)],
);

/**
 * Access tokens revoked before their `exp` (RFC 7009), by `jti`, kept until they would have
 * expired anyway; userinfo, introspection and token exchange refuse them.
 */
export const revokedAccessTokens = sqliteTable(
  "revoked_access_tokens",
  {
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    jti: text("jti").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.realmId, t.jti] }),
    index("revoked_access_tokens_expires").on(t.expiresAt),
  ],
);
