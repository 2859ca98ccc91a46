import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { webhookDeliveries } from "../../../src/db/schema";
import type { Send } from "../../../src/webhooks/attempt";
import { deliverDue, MAX_ATTEMPTS } from "../../../src/webhooks/deliver-due";
import { storedEvent } from "../support/events";
import {
  db,
  delivery,
  endpointRow,
  expectedSignature,
  queueLogin,
  realmWithEndpoint,
  workerEnv,
} from "./support";

const URL = "https://hooks.example.com/latchkey";
const answer =
  (status: number, headers: Record<string, string> = {}): Send =>
  async () =>
    new Response(null, { status, headers });

describe("Standard Webhooks delivery", () => {
  it("signs a message that a Standard Webhooks receiver verifies", async () => {
    const { realm, endpoint, secret } = await realmWithEndpoint(URL);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint.secretSealed).not.toContain(secret.slice(6));
    const now = Date.now();
    const { id, event } = await queueLogin(realm, endpoint.id, now);

    const received: { headers: Record<string, string>; body: string }[] = [];
    const receiver: Send = async (request) => {
      const body = await request.text();
      const headers = Object.fromEntries(request.headers);
      new Webhook(secret).verify(body, headers);
      received.push({ headers, body });
      return new Response(null, { status: 204 });
    };
    const next = await deliverDue(workerEnv, db, endpoint.id, {
      now,
      send: receiver,
      allowPrivate: false,
    });

    expect(next).toBeNull();
    const [message] = received;
    expect(message?.headers["webhook-id"]).toBe(id);
    expect(message?.headers["webhook-timestamp"]).toBe(String(Math.floor(now / 1000)));
    expect(message?.headers["webhook-signature"]).toBe(
      await expectedSignature(secret, id, String(Math.floor(now / 1000)), message?.body ?? ""),
    );
    expect(JSON.parse(message?.body ?? "")).toEqual({
      type: "LOGIN",
      timestamp: new Date(now).toISOString(),
      data: event,
    });
    expect(await delivery(id)).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 204 });
  });

  it("fails verification for a receiver holding another secret", async () => {
    const { realm, endpoint } = await realmWithEndpoint(URL);
    const other = await realmWithEndpoint(URL);
    const { id } = await queueLogin(realm, endpoint.id, Date.now());
    const receiver: Send = async (request) => {
      const body = await request.text();
      try {
        new Webhook(other.secret).verify(body, Object.fromEntries(request.headers));
        return new Response(null, { status: 204 });
      } catch {
        return new Response(null, { status: 401 });
      }
    };
    await deliverDue(workerEnv, db, endpoint.id, {
      now: Date.now(),
      send: receiver,
      allowPrivate: false,
    });
    expect(await delivery(id)).toMatchObject({ status: "pending", lastStatus: 401 });
  });

  it("retries after a 500 with exponential backoff, and only when the retry is due", async () => {
    const { realm, endpoint } = await realmWithEndpoint(URL);
    const now = Date.now();
    const { id } = await queueLogin(realm, endpoint.id, now);
    const options = { send: answer(500), allowPrivate: false };

    expect(await deliverDue(workerEnv, db, endpoint.id, { ...options, now })).toBe(now + 5_000);
    expect(await delivery(id)).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatus: 500,
      lastError: "HTTP 500",
    });
    // Not due yet: nothing is sent.
    await deliverDue(workerEnv, db, endpoint.id, { ...options, now: now + 4_999 });
    expect((await delivery(id)).attempts).toBe(1);

    const second = now + 5_000;
    expect(await deliverDue(workerEnv, db, endpoint.id, { ...options, now: second })).toBe(
      second + 20_000,
    );
    expect((await delivery(id)).attempts).toBe(2);
  });

  it("retries a receiver that does not answer within the timeout", async () => {
    const { realm, endpoint } = await realmWithEndpoint(URL);
    const now = Date.now();
    const { id } = await queueLogin(realm, endpoint.id, now);
    const silent: Send = (request) =>
      new Promise((_, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
      });

    const next = await deliverDue(workerEnv, db, endpoint.id, {
      now,
      send: silent,
      allowPrivate: false,
      timeoutMs: 50,
    });
    expect(next).toBe(now + 5_000);
    expect(await delivery(id)).toMatchObject({ status: "pending", lastError: "timeout" });
  });

  it("does not follow a redirect: a 3xx is a failed attempt", async () => {
    const { realm, endpoint } = await realmWithEndpoint(URL);
    const { id } = await queueLogin(realm, endpoint.id, Date.now());
    let mode: string | undefined;
    const redirecting: Send = async (request) => {
      mode = request.redirect;
      return new Response(null, { status: 307, headers: { location: "http://127.0.0.1/" } });
    };
    await deliverDue(workerEnv, db, endpoint.id, {
      now: Date.now(),
      send: redirecting,
      allowPrivate: false,
    });
    expect(mode).toBe("manual");
    expect(await delivery(id)).toMatchObject({
      lastStatus: 307,
      lastError: "redirect not followed",
    });
  });

  it("gives a message up as failed after its last attempt", async () => {
    const { realm, endpoint } = await realmWithEndpoint(URL);
    const now = Date.now();
    const { id } = await queueLogin(realm, endpoint.id, now);
    await db
      .update(webhookDeliveries)
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where(eq(webhookDeliveries.id, id));

    const next = await deliverDue(workerEnv, db, endpoint.id, {
      now,
      send: answer(503),
      allowPrivate: false,
    });
    expect(next).toBeNull();
    expect(await delivery(id)).toMatchObject({
      status: "failed",
      attempts: MAX_ATTEMPTS,
      nextAttemptAt: null,
    });
  });

  it("never sends to a private address in production, even if one was stored", async () => {
    const { realm, endpoint } = await realmWithEndpoint("https://10.0.0.5/hook", true);
    const { id } = await queueLogin(realm, endpoint.id, Date.now());
    let sent = false;
    const send: Send = async () => {
      sent = true;
      return new Response(null, { status: 204 });
    };
    await deliverDue(workerEnv, db, endpoint.id, { now: Date.now(), send, allowPrivate: false });
    expect(sent).toBe(false);
    expect((await delivery(id)).lastError).toBe(
      "target refused: url must not be a private or loopback address",
    );
  });
});

describe("disabling an endpoint after consecutive failures", () => {
  it("disables the endpoint at the limit and records WEBHOOK_ENDPOINT_DISABLED", async () => {
    const { realm, endpoint } = await realmWithEndpoint(URL);
    const now = Date.now();
    for (let i = 0; i < 3; i += 1) await queueLogin(realm, endpoint.id, now);

    const options = { now, send: answer(500), allowPrivate: false, disableAfter: 3 };
    expect(await deliverDue(workerEnv, db, endpoint.id, options)).toBeNull();

    expect(await endpointRow(endpoint.id)).toMatchObject({
      enabled: false,
      consecutiveFailures: 3,
    });
    const event = await storedEvent(realm.name, "WEBHOOK_ENDPOINT_DISABLED");
    expect(event.details).toEqual({ endpoint_id: endpoint.id, reason: "consecutive_failures" });
    // A disabled endpoint gets nothing more.
    await queueLogin(realm, endpoint.id, now);
    expect(await deliverDue(workerEnv, db, endpoint.id, options)).toBeNull();
  });

  it("starts the count again after a success", async () => {
    const { realm, endpoint } = await realmWithEndpoint(URL);
    const now = Date.now();
    await queueLogin(realm, endpoint.id, now);
    await queueLogin(realm, endpoint.id, now + 1);

    let calls = 0;
    const flaky: Send = async () => new Response(null, { status: calls++ === 0 ? 500 : 200 });
    await deliverDue(workerEnv, db, endpoint.id, {
      now: now + 1,
      send: flaky,
      allowPrivate: false,
      disableAfter: 2,
    });
    expect(await endpointRow(endpoint.id)).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  });
});
