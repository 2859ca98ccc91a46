import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Env } from "../config";
import { type Database, database } from "../db/client";
import { clients, realms, signingKeys } from "../db/schema";
import { logEvent } from "../http/log";
import { nowSeconds } from "../time";
import { SIGNING_ALGS, type SigningAlg } from "./generate";
import { publishedKeysFrom, writePublishedKeys } from "./published-keys";
import { forgetRealmKeys } from "./realm-keys";
import {
  loadSigningKeys,
  newSigningKeyRow,
  readSigningKeys,
  type StoredSigningKey,
} from "./stored-keys";

/** How long a key signs before the schedule brings in its successor. */
export const ROTATION_PERIOD_SECONDS = 30 * 24 * 60 * 60;

/**
 * How long a `next` key sits in the published JWKS before it may sign. Every copy of the old JWKS
 * must have expired first: KV reads elsewhere may be up to 60 s stale, an isolate keeps keys in
 * memory for 5 minutes, and relying parties cache `certs` for 300 s (its max-age): 11 minutes in
 * all. Fifteen minutes covers that with room, and equals the cron period, so a key published by
 * one scheduled run is promoted by the next.
 */
export const PUBLICATION_DELAY_SECONDS = 15 * 60;

/** What one rotation did to a realm's keys, by kid. */
export interface RealmRotation {
  realmId: string;
  created: string[];
  promoted: string[];
  retired: string[];
  deleted: string[];
}

interface RealmLifetimes {
  ssoSessionMaxLifespan: number;
  accessTokenLifespan: number;
  offlineSessionIdleTimeout: number;
  longestClientAccessTokenLifespan: number | null;
}

/**
 * Runs one scheduled rotation step for every realm that has keys: creates a `next` key beside an
 * active key older than the rotation period, promotes a `next` key published long enough, and
 * deletes retired keys whose tokens have all expired. Realms are independent: one failing is
 * logged and the others go on.
 */
export async function rotateKeys(
  env: Env,
  now = nowSeconds(),
  options: { rotationPeriod?: number } = {},
): Promise<RealmRotation[]> {
  const rotationPeriod = options.rotationPeriod ?? ROTATION_PERIOD_SECONDS;
  const rows = await database(env.DB)
    .select({
      key: signingKeys,
      ssoSessionMaxLifespan: realms.ssoSessionMaxLifespan,
      accessTokenLifespan: realms.accessTokenLifespan,
      offlineSessionIdleTimeout: realms.offlineSessionIdleTimeout,
      longestClientAccessTokenLifespan: sql<number | null>`(
        select max(${clients.accessTokenLifespan}) from ${clients}
        where ${clients.realmId} = ${realms.id})`,
    })
    .from(signingKeys)
    .innerJoin(realms, eq(realms.id, signingKeys.realmId));

  const byRealm = new Map<string, { keys: StoredSigningKey[]; lifetimes: RealmLifetimes }>();
  for (const { key, ...lifetimes } of rows) {
    const realm = byRealm.get(key.realmId) ?? { keys: [], lifetimes };
    realm.keys.push(key);
    byRealm.set(key.realmId, realm);
  }

  const results: RealmRotation[] = [];
  for (const [realmId, { keys, lifetimes }] of byRealm) {
    try {
      const result = await rotateRealm(env, realmId, keys, lifetimes, now, rotationPeriod);
      results.push(result);
      const { created, promoted, retired, deleted } = result;
      const changes = created.length + promoted.length + retired.length + deleted.length;
      if (changes > 0) logEvent("keys.rotated", { realm: realmId, changes });
    } catch (error) {
      logEvent("keys.rotation_failed", { realm: realmId, error: String(error).slice(0, 200) });
    }
  }

  return results;
}

/**
 * Creates a `next` key for `alg` now, as an operator's rotation does; it is published at once and
 * signs only after the publication delay, at a scheduled run. Returns the `next` key's kid, the
 * existing one when a rotation of that alg is already under way.
 */
export async function rotateNow(
  env: Env,
  realmId: string,
  alg: SigningAlg,
  now = nowSeconds(),
): Promise<string> {
  const db = database(env.DB);
  await loadSigningKeys(db, env.KEY_ENCRYPTION_SECRET, realmId, now);

  const row = await newSigningKeyRow(env.KEY_ENCRYPTION_SECRET, realmId, alg, "next", now);
  // The partial unique index allows one `next` key per alg: a rotation under way wins.
  await db.insert(signingKeys).values(row).onConflictDoNothing();

  const keys = await publish(env, realmId, now);
  const next = keyWith(keys, "next", alg);
  if (!next) throw new Error(`Realm has no next ${alg} key after rotation`);

  return next.kid;
}

async function rotateRealm(
  env: Env,
  realmId: string,
  keys: StoredSigningKey[],
  lifetimes: RealmLifetimes,
  now: number,
  rotationPeriod: number,
): Promise<RealmRotation> {
  const db = database(env.DB);
  const result: RealmRotation = { realmId, created: [], promoted: [], retired: [], deleted: [] };
  const statements: BatchItem<"sqlite">[] = [];

  // Tokens signed by a retired key live at most this long: online refresh tokens end with the
  // SSO session, offline ones expire when unused for the offline idle timeout (every use
  // re-signs them with the active key), and access tokens may have a client's own lifespan.
  // Stale isolates may still sign with it for up to the publication delay.
  const grace =
    Math.max(
      lifetimes.ssoSessionMaxLifespan,
      lifetimes.accessTokenLifespan,
      lifetimes.offlineSessionIdleTimeout,
      lifetimes.longestClientAccessTokenLifespan ?? 0,
    ) + PUBLICATION_DELAY_SECONDS;
  for (const key of keys) {
    if (key.status !== "retired" || now - (key.retiredAt ?? key.createdAt) < grace) continue;
    statements.push(db.delete(signingKeys).where(eq(signingKeys.kid, key.kid)));
    result.deleted.push(key.kid);
  }

  for (const alg of SIGNING_ALGS) {
    const active = keyWith(keys, "active", alg);
    const next = keyWith(keys, "next", alg);
    // A realm without an active key generates its keys on first use, not here.
    if (!active) continue;

    if (next) {
      if (next.publishedAt === null || now - next.publishedAt < PUBLICATION_DELAY_SECONDS) continue;
      // Retire before promoting: the partial unique index must never see two active keys.
      statements.push(retire(db, active.kid, now), promote(db, next.kid, now));
      result.retired.push(active.kid);
      result.promoted.push(next.kid);
    } else if (now - (active.activatedAt ?? active.createdAt) >= rotationPeriod) {
      const row = await newSigningKeyRow(env.KEY_ENCRYPTION_SECRET, realmId, alg, "next", now);
      statements.push(db.insert(signingKeys).values(row).onConflictDoNothing());
      result.created.push(row.kid);
    }
  }

  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);

  // A `next` key whose KV write failed earlier is published again before its delay starts.
  const unpublished = keys.some((key) => key.status === "next" && key.publishedAt === null);
  if (first || unpublished) await publish(env, realmId, now);

  return result;
}

/**
 * Writes the realm's keys from D1 to KV, drops this isolate's copy, and starts the publication
 * delay of `next` keys that KV now holds. Throws when KV refuses, so no delay starts unpublished.
 */
async function publish(env: Env, realmId: string, now: number): Promise<StoredSigningKey[]> {
  const db = database(env.DB);
  const keys = await readSigningKeys(db, realmId);

  await writePublishedKeys(env.KEYS, realmId, publishedKeysFrom(keys));
  forgetRealmKeys(realmId);

  const fresh = keys.filter((key) => key.status === "next" && key.publishedAt === null);
  if (fresh.length > 0) {
    const kids = fresh.map((key) => key.kid);
    await db
      .update(signingKeys)
      .set({ publishedAt: now })
      .where(and(inArray(signingKeys.kid, kids), isNull(signingKeys.publishedAt)));
    for (const key of fresh) key.publishedAt = now;
  }

  return keys;
}

function retire(db: Database, kid: string, now: number) {
  return db
    .update(signingKeys)
    .set({ status: "retired", retiredAt: now })
    .where(and(eq(signingKeys.kid, kid), eq(signingKeys.status, "active")));
}

function promote(db: Database, kid: string, now: number) {
  return db
    .update(signingKeys)
    .set({ status: "active", activatedAt: now })
    .where(and(eq(signingKeys.kid, kid), eq(signingKeys.status, "next")));
}

function keyWith(
  keys: StoredSigningKey[],
  status: StoredSigningKey["status"],
  alg: SigningAlg,
): StoredSigningKey | undefined {
  return keys.find((key) => key.status === status && key.alg === alg);
}
