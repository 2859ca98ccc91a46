import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { roles } from "../../../src/db/role-schema";
import { clients, users } from "../../../src/db/schema";
import { publishedKeysKey } from "../../../src/keys/published-keys";
import {
  adminFetch,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { eventually } from "../support/events";
import { USER_PASSWORD } from "../support/realm";
import { realmId } from "../support/store";

const testEnv = env as unknown as Env;
const db = database(testEnv.DB);

beforeAll(bootstrapMaster);

describe("realm delete", () => {
  it("removes the realm, every row of it and its published keys", async () => {
    const realm = await seedAdminRealm();
    const id = await realmId(realm.name);
    // Signing in publishes the realm's keys to KV.
    await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    await eventually(async () => (await testEnv.KEYS.get(publishedKeysKey(id))) ?? undefined);
    const token = await masterAdminToken();

    const response = await adminFetch(`/${realm.name}`, token, { method: "DELETE" });

    expect(response.status).toBe(204);
    expect((await adminFetch(`/${realm.name}`, token)).status).toBe(404);
    expect(await db.select().from(users).where(eq(users.realmId, id))).toEqual([]);
    expect(await db.select().from(clients).where(eq(clients.realmId, id))).toEqual([]);
    expect(await db.select().from(roles).where(eq(roles.realmId, id))).toEqual([]);
    expect(await testEnv.KEYS.get(publishedKeysKey(id))).toBeNull();
  });

  it("refuses to delete the master realm with 400", async () => {
    const token = await masterAdminToken();

    const response = await adminFetch("/master", token, { method: "DELETE" });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errorMessage: "The master realm cannot be deleted.",
    });
  });

  it("refuses a realm's own realm-admin with 403", async () => {
    const realm = await seedAdminRealm(["realm-admin"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    const response = await adminFetch(`/${realm.name}`, token, { method: "DELETE" });

    expect(response.status).toBe(403);
    expect((await adminFetch(`/${realm.name}`, token)).status).toBe(200);
  });
});
