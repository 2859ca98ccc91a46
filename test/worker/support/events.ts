import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { events, realms } from "../../../src/db/schema";
import { clearRealmCache } from "../../../src/http/realm-context";
import { realmId } from "./store";

const db = database((env as unknown as Env).DB);

/** Waits for work that runs after the response (waitUntil) to show its result. */
export async function eventually<T>(
  read: () => Promise<T | undefined>,
  timeoutMs = 3_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("nothing showed up in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A realm's stored events of one type, oldest first. */
export async function eventsOf(realmName: string, type: string) {
  const id = await realmId(realmName);
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.realmId, id), eq(events.type, type)))
    .orderBy(events.time);
  return rows;
}

/** Waits for the first stored event of a type. */
export async function storedEvent(realmName: string, type: string) {
  return eventually(async () => (await eventsOf(realmName, type))[0]);
}

/** Lets pending waitUntil work finish, so a test can say that nothing was stored. */
export async function settle(ms = 150): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every stored event of a realm. */
export async function allEvents(realmName: string) {
  return db
    .select()
    .from(events)
    .where(eq(events.realmId, await realmId(realmName)));
}

/** Turns a seeded realm's events on, for realms seeded by helpers that take no settings. */
export async function enableEvents(realmName: string): Promise<void> {
  await db.update(realms).set({ eventsEnabled: true }).where(eq(realms.name, realmName));
  clearRealmCache();
}
