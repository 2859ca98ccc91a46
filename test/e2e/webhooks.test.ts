import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDevVar } from "../../src/cli/dev-vars";
import { launchChromium } from "./harness/browser";
import { type LatchkeyServer, startLatchkey } from "./harness/latchkey-server";
import { signIn } from "./harness/pages";
import { startWebhookReceiver, type WebhookReceiver } from "./harness/webhook-receiver";

const SECRET = `whsec_${Buffer.from("e2e-webhook-secret-32-bytes-long").toString("base64")}`;
const person = { email: "lin@example.com", password: "lin-password-1" };

let dir: string;
let receiver: WebhookReceiver;
let latchkey: LatchkeyServer;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-hooks-"));
  // The receiver refuses the first message with a 500: delivery must retry it.
  receiver = await startWebhookReceiver(SECRET, 1);
  const realm = {
    realm: "hooks",
    eventsEnabled: true,
    webhooks: [{ url: receiver.url, eventTypes: ["LOGIN"], secret: SECRET }],
    users: [
      {
        username: person.email,
        email: person.email,
        emailVerified: true,
        credentials: [{ type: "password", value: person.password }],
      },
    ],
  };
  const file = join(dir, "hooks-realm.json");
  await writeFile(file, JSON.stringify(realm));
  latchkey = await startLatchkey("hooks", file);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await receiver?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("Standard Webhooks: a receiver verifies Latchkey's LOGIN event", () => {
  it("delivers a signed LOGIN after a sign-in, retrying after a 500", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${latchkey.origin}/realms/hooks/account`);
    await signIn(page, person.email, person.password);

    const accepted = await receiver.next("LOGIN", 40_000);
    const message = JSON.parse(accepted.body) as {
      type: string;
      timestamp: string;
      data: Record<string, unknown>;
    };
    expect(message.type).toBe("LOGIN");
    expect(message.data).toMatchObject({
      type: "LOGIN",
      details: { auth_method: "openid-connect", username: person.email },
    });
    expect(accepted.body).not.toContain(person.password);

    // The refused first attempt and the retry carry the same webhook-id, about 5 s apart.
    const [first] = receiver.received;
    expect(first?.status).toBe(500);
    expect(first?.verified).toBe(true);
    expect(first?.headers["webhook-id"]).toBe(accepted.headers["webhook-id"]);
    expect(accepted.at - (first?.at ?? 0)).toBeGreaterThanOrEqual(4_000);
  });
});

describe("the webhook admin API against a real receiver", () => {
  const hooks = () => `${latchkey.origin}/admin/realms/hooks/webhooks`;
  let token: string;
  let second: WebhookReceiver;

  /** Calls the admin API with the bootstrap administrator's token. */
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${hooks()}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });

  /** Signs the person in from a fresh browser context, which emits LOGIN. */
  const signInAgain = async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${latchkey.origin}/realms/hooks/account`);
    await signIn(page, person.email, person.password);
  };

  /** Polls until `read` gives a value. */
  const until = async <T>(read: () => Promise<T | undefined> | T | undefined) => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const value = await read();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("nothing showed up in 30 s");
  };

  /** Waits until the second receiver has accepted `count` messages in all. */
  const accepted = (count: number) =>
    until(() => {
      const ok = second.received.filter((r) => r.status === 204);
      return ok.length >= count ? ok : undefined;
    });

  beforeAll(async () => {
    const root = join(import.meta.dirname, "..", "..");
    const response = await fetch(`${latchkey.issuer("master")}/protocol/openid-connect/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "password",
        client_id: "admin-cli",
        username: (await readDevVar(root, "BOOTSTRAP_ADMIN_USERNAME")) ?? "",
        password: (await readDevVar(root, "BOOTSTRAP_ADMIN_PASSWORD")) ?? "",
      }),
    });
    token = ((await response.json()) as { access_token: string }).access_token;
    // Its secret is not known until the endpoint is made; until then it refuses everything.
    second = await startWebhookReceiver(SECRET);
  });

  afterAll(() => second?.close());

  it("registers, redelivers, rotates and deletes an endpoint", async () => {
    const created = await admin("", {
      method: "POST",
      body: JSON.stringify({ url: second.url, eventTypes: ["LOGIN"] }),
    });
    expect(created.status).toBe(201);
    const { id, secret } = (await created.json()) as { id: string; secret: string };
    second.useSecret(secret);

    await signInAgain();
    const [first] = await accepted(1);
    const messageId = first?.headers["webhook-id"];
    const logged = await until(async () => {
      const log = (await (await admin(`/${id}/deliveries`)).json()) as Record<string, unknown>[];
      return log[0]?.status === "delivered" ? log[0] : undefined;
    });
    expect(logged).toMatchObject({ id: messageId, eventType: "LOGIN", attempts: 1 });

    // Redelivery sends the same message again, under the same webhook-id.
    const redeliver = () => admin(`/${id}/deliveries/${messageId}/redeliver`, { method: "POST" });
    expect((await redeliver()).status).toBe(204);
    expect((await accepted(2))[1]?.headers["webhook-id"]).toBe(messageId);

    // After a rotation the receiver still holding the old secret verifies, then switches.
    const rotated = await admin(`/${id}/secret`, { method: "POST" });
    const fresh = ((await rotated.json()) as { secret: string }).secret;
    expect((await redeliver()).status).toBe(204);
    await accepted(3);
    second.useSecret(fresh);
    expect((await redeliver()).status).toBe(204);
    await accepted(4);

    // Deleted: the next sign-in sends it nothing.
    expect((await admin(`/${id}`, { method: "DELETE" })).status).toBe(204);
    const before = receiver.received.length;
    await signInAgain();
    // The realm's other endpoint gets that LOGIN; this one, a few seconds on, still nothing.
    await until(() => (receiver.received.length > before ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(second.received).toHaveLength(4);
  });
});
