import { desc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { signingKeys } from "../db/schema";
import { nowSeconds } from "../time";
import { generateSigningKey, SIGNING_ALGS, type SigningAlg } from "./generate";
import { seal } from "./seal";

/** A row of `signing_keys`: public JWK in the clear, private JWK sealed. */
export type StoredSigningKey = typeof signingKeys.$inferSelect;

/** The realm's signing keys from D1, generating the active ones it lacks on first use. */
export async function loadSigningKeys(
  db: Database,
  secret: string,
  realmId: string,
  now = nowSeconds(),
): Promise<StoredSigningKey[]> {
  const stored = await readSigningKeys(db, realmId);
  const missing = SIGNING_ALGS.filter((alg) => !activeKey(stored, alg));
  if (missing.length === 0) return stored;

  const rows = await Promise.all(
    missing.map((alg) => newSigningKeyRow(secret, realmId, alg, "active", now)),
  );

  // Another isolate may be generating at this moment. The partial unique index keeps one active
  // key per (realm, alg); losing rows are dropped, and the re-read returns the winners to all.
  await db.insert(signingKeys).values(rows).onConflictDoNothing();

  return readSigningKeys(db, realmId);
}

/** The realm's active key for `alg`, if it has one. */
export function activeKey(keys: StoredSigningKey[], alg: SigningAlg): StoredSigningKey | undefined {
  return keys.find((key) => key.status === "active" && key.alg === alg);
}

/** The realm's signing keys in every status, newest first. */
export function readSigningKeys(db: Database, realmId: string): Promise<StoredSigningKey[]> {
  return db
    .select()
    .from(signingKeys)
    .where(eq(signingKeys.realmId, realmId))
    .orderBy(desc(signingKeys.createdAt));
}

/** Generates a key pair for `alg` as a row in `status`, its private half sealed. */
export async function newSigningKeyRow(
  secret: string,
  realmId: string,
  alg: SigningAlg,
  status: "next" | "active",
  now: number,
): Promise<StoredSigningKey> {
  const key = await generateSigningKey(alg);

  return {
    kid: key.kid,
    realmId,
    alg,
    status,
    publicJwk: key.publicJwk as JsonWebKey,
    // The kid is the AAD, so a sealed blob copied onto another key's row will not open.
    privateJwkSealed: await seal(secret, JSON.stringify(key.privateJwk), key.kid),
    createdAt: now,
    publishedAt: null,
    activatedAt: status === "active" ? now : null,
    retiredAt: null,
  };
}
