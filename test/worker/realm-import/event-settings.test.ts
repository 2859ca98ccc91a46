import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { webhookEndpoints } from "../../../src/db/schema";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { unsealWebhookSecret } from "../../../src/webhooks/secret";

const workerEnv = env as unknown as Env;
const db = database(workerEnv.DB);
const SECRET = `whsec_${btoa("0123456789abcdef0123456789abcdef")}`;
const sealing = { keyEncryptionSecret: workerEnv.KEY_ENCRYPTION_SECRET };

const unique = () => `ev-${crypto.randomUUID().slice(0, 8)}`;

async function importError(rep: Record<string, unknown>, options = sealing) {
  const error = await importRealm(db, rep, options).catch((e: unknown) => e);
  if (!(error instanceof ImportError)) throw new Error(`expected an ImportError, got ${error}`);
  return error.issues;
}

describe("realm import: Keycloak's event settings", () => {
  it("imports the event switches, types, expiration and IP truncation", async () => {
    const name = unique();
    await importRealm(db, {
      realm: name,
      eventsEnabled: true,
      enabledEventTypes: ["LOGIN", "LOGIN_ERROR"],
      eventsExpiration: 86400,
      adminEventsEnabled: true,
      adminEventsDetailsEnabled: true,
      attributes: { eventsIpTruncation: "true" },
    });
    expect(await findRealmByName(db, name)).toMatchObject({
      eventsEnabled: true,
      enabledEventTypes: ["LOGIN", "LOGIN_ERROR"],
      eventsExpiration: 86400,
      adminEventsEnabled: true,
      adminEventsDetailsEnabled: true,
      eventsIpTruncation: true,
    });
  });

  it("keeps Keycloak's defaults when the file says nothing: events off, kept forever", async () => {
    const name = unique();
    await importRealm(db, { realm: name });
    expect(await findRealmByName(db, name)).toMatchObject({
      eventsEnabled: false,
      enabledEventTypes: null,
      eventsExpiration: null,
      adminEventsEnabled: false,
      eventsIpTruncation: false,
    });
  });

  it("refuses an event type Latchkey does not know, naming where it is", async () => {
    const issues = await importError({ realm: unique(), enabledEventTypes: ["LOGIN", "LOGN"] });
    expect(issues).toEqual([
      { path: "$.enabledEventTypes[1]", message: "is not an event type Latchkey knows" },
    ]);
  });
});

describe("realm import: webhook endpoints", () => {
  it("imports an endpoint with its secret sealed, so deliveries sign with it", async () => {
    const name = unique();
    const hook = { url: "https://hooks.example.com/x", eventTypes: ["LOGIN"], secret: SECRET };
    await importRealm(db, { realm: name, webhooks: [hook] }, sealing);

    const realm = await findRealmByName(db, name);
    const [endpoint] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.realmId, realm?.id ?? ""));
    expect(endpoint).toMatchObject({ url: hook.url, eventTypes: ["LOGIN"], enabled: true });
    expect(endpoint?.secretSealed).not.toContain(SECRET);
    const key = workerEnv.KEY_ENCRYPTION_SECRET;
    expect(await unsealWebhookSecret(key, endpoint?.id ?? "", endpoint?.secretSealed ?? "")).toBe(
      SECRET,
    );
  });

  it("refuses private targets, bad secrets, and webhooks without a sealing key", async () => {
    expect(
      await importError({ realm: unique(), webhooks: [{ url: "https://192.168.0.2/x" }] }),
    ).toEqual([
      { path: "$.webhooks[0].url", message: "must not be a private or loopback address" },
    ]);
    expect(
      await importError({
        realm: unique(),
        webhooks: [{ url: "https://hooks.example.com/x", secret: "whsec_c2hvcnQ=" }],
      }),
    ).toEqual([
      { path: "$.webhooks[0].secret", message: "must be whsec_ and at least 16 bytes in base64" },
    ]);
    const withoutKey = { realm: unique(), webhooks: [{ url: "https://hooks.example.com/x" }] };
    expect(await importError(withoutKey, {} as typeof sealing)).toEqual([
      { path: "$.webhooks", message: "webhooks can only be imported with KEY_ENCRYPTION_SECRET" },
    ]);
  });
});
