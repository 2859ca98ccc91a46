import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { recordProofJti } from "../../../src/db/dpop-proof-jtis";
import { dpopProofJtis } from "../../../src/db/schema";
import worker from "../../../src/index";
import { seedDpopRealm } from "../support/dpop";
import { realmId } from "../support/store";

const db = database(env.DB);

describe("scheduled clean-up of DPoP proof jtis (RFC 9449 §11.1)", () => {
  it("deletes jtis whose proofs left the iat window and keeps the others", async () => {
    const id = await realmId((await seedDpopRealm()).name);
    const now = Math.floor(Date.now() / 1000);
    await recordProofJti(db, id, "jkt", "old", now - 10);
    await recordProofJti(db, id, "jkt", "live", now + 60);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);

    const left = await db
      .select({ jti: dpopProofJtis.jti })
      .from(dpopProofJtis)
      .where(eq(dpopProofJtis.realmId, id));
    expect(left.map((row) => row.jti)).toEqual(["live"]);
  });
});
