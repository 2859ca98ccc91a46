import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Browser } from "../support/browser";
import { eventually, settle, storedEvent } from "../support/events";
import { authorizeUrl, signIn, spaRequest } from "../support/oidc";
import { seedRealm, USER_PASSWORD } from "../support/realm";
import { realmId } from "../support/store";

/** Makes every events insert of one realm fail inside D1 itself, as a broken store would. */
async function breakEventStore(realm: string) {
  const id = await realmId(realm);
  const trigger = `refuse_events_${id.replaceAll("-", "_")}`;
  await env.DB.exec(
    `CREATE TRIGGER ${trigger} BEFORE INSERT ON events WHEN NEW.realm_id = '${id}' ` +
      "BEGIN SELECT RAISE(ABORT, 'event store unavailable'); END;",
  );
  return () => env.DB.exec(`DROP TRIGGER ${trigger}`);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("recording never fails the request it describes", () => {
  it("signs the person in although the event store refuses the LOGIN event", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const repair = await breakEventStore(realm.name);
    const log = vi.spyOn(console, "log");

    try {
      const { params } = await spaRequest();
      const response = await signIn(new Browser(), authorizeUrl(realm.oidc, params));
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get("location") ?? "").searchParams.get("code")).toBeTruthy();

      const line = await eventually(async () =>
        log.mock.calls.map((call) => String(call[0])).find((l) => l.includes("record_failed")),
      );
      const logged = JSON.parse(line) as Record<string, string>;
      expect(logged).toMatchObject({ event: "event.record_failed", type: "LOGIN" });
      expect(logged.reason).toContain("event store unavailable");
      expect(line).not.toContain(USER_PASSWORD);
      expect(line).not.toContain("ada@example.com");
    } finally {
      await repair();
    }
  });

  it("records the event once the store accepts it again", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const repair = await breakEventStore(realm.name);
    await repair();

    const { params } = await spaRequest();
    expect((await signIn(new Browser(), authorizeUrl(realm.oidc, params))).status).toBe(302);
    await settle();
    expect((await storedEvent(realm.name, "LOGIN")).type).toBe("LOGIN");
  });
});
