import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { createInitialAccessToken } from "../../../src/db/initial-access-tokens";
import { findRealmByName } from "../../../src/db/realms";
import { deviceCodes, initialAccessTokens, sessions } from "../../../src/db/schema";
import { startSession } from "../../../src/db/sessions";
import { findLoginCandidate } from "../../../src/db/users";
import worker from "../../../src/index";
import { seedRealm } from "../support/realm";

describe("scheduled clean-up of expired sessions", () => {
  it("deletes sessions past their maximum lifespan and keeps live ones", async () => {
    const db = database(env.DB);
    const { name } = await seedRealm();
    const realm = await findRealmByName(db, name);
    if (!realm) throw new Error("realm missing");
    const candidate = await findLoginCandidate(db, realm.id, "ada");
    const userId = candidate?.user.id ?? "";

    const now = Math.floor(Date.now() / 1000);
    const old = await startSession(
      db,
      realm,
      userId,
      ["pwd"],
      now - realm.ssoSessionMaxLifespan - 10,
    );
    const live = await startSession(db, realm, userId, ["pwd"], now);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);

    const left = await db.select().from(sessions).where(eq(sessions.userId, userId));
    expect(left.map((row) => row.id)).toEqual([live.session.id]);
    expect(left.map((row) => row.id)).not.toContain(old.session.id);
  });
});

describe("scheduled clean-up of device codes", () => {
  it("deletes device codes expired past replay detection and keeps others", async () => {
    const db = database(env.DB);
    const now = Math.floor(Date.now() / 1000);
    const row = (name: string, expiresAt: number) => ({
      deviceCodeHash: `cleanup-${name}-${crypto.randomUUID()}`,
      userCodeHash: `cleanup-${name}-${crypto.randomUUID()}`,
      realmId: "r",
      clientId: "c",
      scope: "openid",
      status: "pending" as const,
      familyId: crypto.randomUUID(),
      pollInterval: 5,
      expiresAt,
    });
    const stale = row("stale", now - 3600);
    const recent = row("recent", now - 60);
    await db.insert(deviceCodes).values([stale, recent]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);

    const left = await db
      .select({ hash: deviceCodes.deviceCodeHash })
      .from(deviceCodes)
      .where(inArray(deviceCodes.deviceCodeHash, [stale.deviceCodeHash, recent.deviceCodeHash]));
    expect(left.map((entry) => entry.hash)).toEqual([recent.deviceCodeHash]);
  });
});

describe("scheduled clean-up of initial access tokens", () => {
  it("deletes expired initial access tokens and keeps live ones", async () => {
    const db = database(env.DB);
    const { name } = await seedRealm();
    const realm = await findRealmByName(db, name);
    if (!realm) throw new Error("realm missing");
    const now = Math.floor(Date.now() / 1000);
    await createInitialAccessToken(db, realm.id, { count: 1, expiresIn: -60, now });
    await createInitialAccessToken(db, realm.id, { count: 1, expiresIn: 3600, now });

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);

    const left = await db
      .select()
      .from(initialAccessTokens)
      .where(eq(initialAccessTokens.realmId, realm.id));
    expect(left.map((row) => row.expiresAt)).toEqual([now + 3600]);
  });
});
