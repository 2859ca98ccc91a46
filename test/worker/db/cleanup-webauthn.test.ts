import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { webauthnChallenges } from "../../../src/db/schema";
import { storeChallenge } from "../../../src/db/webauthn-challenges";
import worker from "../../../src/index";
import { seedRealm } from "../support/realm";
import { realmId } from "../support/store";

const db = database(env.DB);

describe("scheduled clean-up of WebAuthn challenges", () => {
  it("deletes expired challenges and keeps live ones", async () => {
    const id = await realmId((await seedRealm()).name);
    const now = Math.floor(Date.now() / 1000);
    await storeChallenge(db, id, "old attempt", "authentication", "c1", now - 600);
    await storeChallenge(db, id, "live attempt", "authentication", "c2", now);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);

    const left = await db
      .select({ challenge: webauthnChallenges.challenge })
      .from(webauthnChallenges)
      .where(eq(webauthnChallenges.realmId, id));
    expect(left.map((row) => row.challenge)).toEqual(["c2"]);
  });
});
