import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
