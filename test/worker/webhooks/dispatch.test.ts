import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webhookDeliveries, webhookEndpoints } from "../../../src/db/schema";
import {
  enableWebhook,
  listDeliveries,
  registerWebhook,
  WebhookRegistrationError,
} from "../../../src/webhooks/endpoints";
import { redeliver } from "../../../src/webhooks/enqueue";
import { Browser } from "../support/browser";
import { eventually, settle } from "../support/events";
import { authorizeUrl, signIn, spaRequest } from "../support/oidc";
import { db, delivery, endpointRow, realmWithEndpoint, workerEnv } from "./support";

// `.invalid` never resolves (RFC 6761 §6.4): every attempt the dispatcher makes fails.
const UNREACHABLE = "https://hooks.invalid/latchkey";

/** Signs ada in at the realm's spa client, which emits LOGIN. */
async function signInTo(realmName: string) {
  const { params } = await spaRequest();
  const oidc = `https://id.example/realms/${realmName}/protocol/openid-connect`;
  const response = await signIn(new Browser(), authorizeUrl(oidc, params));
  expect(response.status).toBe(302);
}

describe("webhook dispatch: queued from events, delivered by a Durable Object alarm", () => {
  it("queues a LOGIN message after a sign-in and has the dispatcher attempt it", async () => {
    const { realm, endpoint } = await realmWithEndpoint(UNREACHABLE, false, ["LOGIN"]);
    await signInTo(realm.name);

    const [queued] = await eventually(async () => {
      const rows = await listDeliveries(db, endpoint.id);
      return rows.length > 0 ? rows : undefined;
    });
    expect(queued?.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(JSON.parse(queued?.payload ?? "")).toMatchObject({
      type: "LOGIN",
      data: { type: "LOGIN", clientId: "spa", realmId: realm.id },
    });

    // The alarm ran: one failed attempt, the next one 5 seconds later.
    const attempted = await eventually(async () => {
      const row = await delivery(queued?.id ?? "");
      return row.attempts > 0 ? row : undefined;
    });
    expect(attempted.status).toBe("pending");
    expect(attempted.lastError).toBeTruthy();
    expect((attempted.nextAttemptAt ?? 0) - (attempted.lastAttemptAt ?? 0)).toBe(5_000);
  });

  it("queues nothing for an event type the endpoint did not ask for", async () => {
    const { realm, endpoint } = await realmWithEndpoint(UNREACHABLE, false, ["LOGOUT"]);
    await signInTo(realm.name);
    await settle(300);
    expect(await listDeliveries(db, endpoint.id)).toEqual([]);
  });

  it("redelivers a failed message under the same webhook-id, on request", async () => {
    const { realm, endpoint } = await realmWithEndpoint(UNREACHABLE, false, ["LOGIN"]);
    await signInTo(realm.name);
    const [queued] = await eventually(async () => {
      const rows = await listDeliveries(db, endpoint.id);
      return rows[0]?.attempts ? rows : undefined;
    });
    const id = queued?.id ?? "";
    await db
      .update(webhookDeliveries)
      .set({ status: "failed", attempts: 8, nextAttemptAt: null })
      .where(eq(webhookDeliveries.id, id));

    expect(await redeliver(workerEnv, db, id)).toBe(true);
    const again = await eventually(async () => {
      const row = await delivery(id);
      return row.status === "pending" && row.attempts === 1 ? row : undefined;
    });
    expect(again.id).toBe(id);
  });

  it("refuses to redeliver to a disabled endpoint until it is enabled again", async () => {
    const { realm, endpoint } = await realmWithEndpoint(UNREACHABLE, false, ["LOGIN"]);
    await signInTo(realm.name);
    const [queued] = await eventually(async () => {
      const rows = await listDeliveries(db, endpoint.id);
      return rows.length > 0 ? rows : undefined;
    });
    await db
      .update(webhookDeliveries)
      .set({ status: "failed" })
      .where(eq(webhookDeliveries.id, queued?.id ?? ""));
    await db
      .update(webhookEndpoints)
      .set({ enabled: false })
      .where(eq(webhookEndpoints.id, endpoint.id));

    expect(await redeliver(workerEnv, db, queued?.id ?? "")).toBe(false);
    await enableWebhook(db, endpoint.id);
    expect((await endpointRow(endpoint.id)).enabled).toBe(true);
    expect(await redeliver(workerEnv, db, queued?.id ?? "")).toBe(true);
  });
});

describe("registering webhook endpoints", () => {
  it("refuses a loopback URL in production and an unknown event type", async () => {
    const { realm } = await realmWithEndpoint(UNREACHABLE);
    const register = (url: string, eventTypes?: string[]) =>
      registerWebhook(db, workerEnv.KEY_ENCRYPTION_SECRET, realm.id, { url, eventTypes }, false);

    await expect(register("https://127.0.0.1/hook")).rejects.toThrow(WebhookRegistrationError);
    await expect(register("https://localhost/hook")).rejects.toThrow(/url must not be localhost/);
    await expect(register(UNREACHABLE, ["LOGIN", "NOPE"])).rejects.toThrow(
      "eventTypes has unknown types: NOPE",
    );
  });

  it("accepts loopback when private targets are allowed, as in development", async () => {
    const { endpoint, secret } = await realmWithEndpoint("http://127.0.0.1:8788/hook", true);
    expect(endpoint.url).toBe("http://127.0.0.1:8788/hook");
    expect(secret.startsWith("whsec_")).toBe(true);
  });
});
