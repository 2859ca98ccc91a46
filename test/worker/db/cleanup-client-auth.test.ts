import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { clientAssertionJtis, clients, pushedAuthorizationRequests } from "../../../src/db/schema";
import worker from "../../../src/index";
import { seedAssertionRealm } from "../support/assertions";
import { realmId } from "../support/store";

const db = database(env.DB);

async function signerRowId(realmName: string): Promise<string> {
  const id = await realmId(realmName);
  const [row] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.realmId, id), eq(clients.clientId, "signer")));
  return row?.id ?? "";
}

async function runScheduled() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController(), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("scheduled clean-up of client authentication artefacts", () => {
  it("deletes jtis whose assertions have expired and keeps the others", async () => {
    const clientId = await signerRowId((await seedAssertionRealm()).name);
    const now = Math.floor(Date.now() / 1000);
    await db.insert(clientAssertionJtis).values([
      { clientId, jti: "old", expiresAt: now - 10 },
      { clientId, jti: "live", expiresAt: now + 60 },
    ]);

    await runScheduled();

    const left = await db
      .select({ jti: clientAssertionJtis.jti })
      .from(clientAssertionJtis)
      .where(eq(clientAssertionJtis.clientId, clientId));
    expect(left.map((row) => row.jti)).toEqual(["live"]);
  });

  it("deletes expired pushed authorization requests and keeps live ones", async () => {
    const clientId = await signerRowId((await seedAssertionRealm()).name);
    const now = Math.floor(Date.now() / 1000);
    await db.insert(pushedAuthorizationRequests).values([
      { requestUriHash: `old-${clientId}`, clientId, params: {}, expiresAt: now - 10 },
      { requestUriHash: `live-${clientId}`, clientId, params: {}, expiresAt: now + 60 },
    ]);

    await runScheduled();

    const left = await db
      .select({ hash: pushedAuthorizationRequests.requestUriHash })
      .from(pushedAuthorizationRequests)
      .where(eq(pushedAuthorizationRequests.clientId, clientId));
    expect(left.map((row) => row.hash)).toEqual([`live-${clientId}`]);
  });
});
