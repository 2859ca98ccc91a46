import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteJWKSet, jwtVerify } from "jose";
import * as client from "openid-client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./harness/browser";
import { type LatchkeyServer, startLatchkey } from "./harness/latchkey-server";
import { describePage, signIn } from "./harness/pages";
import { existingUser } from "./harness/realm-file";

const REALM = "e2e-device";

let dir: string;
let latchkey: LatchkeyServer;
let browser: Browser;

/** Realm `e2e-device`: the public client `e2e-tv` with the device grant on, and one person. */
async function writeDeviceRealmFile(): Promise<string> {
  const realm = {
    realm: REALM,
    clients: [
      {
        clientId: "e2e-tv",
        name: "E2E TV",
        publicClient: true,
        attributes: { "oauth2.device.authorization.grant.enabled": "true" },
      },
    ],
    users: [
      {
        username: existingUser.email,
        email: existingUser.email,
        emailVerified: true,
        credentials: [{ type: "password", value: existingUser.password }],
      },
    ],
  };
  const path = join(dir, "e2e-device-realm.json");
  await writeFile(path, JSON.stringify(realm, null, 2));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-device-"));
  latchkey = await startLatchkey(REALM, await writeDeviceRealmFile());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("device authorization grant (RFC 8628) with openid-client and Chromium", () => {
  it("issues tokens to the device once the person approves in the browser", async () => {
    const issuer = latchkey.issuer(REALM);
    const config = await client.discovery(new URL(issuer), "e2e-tv", undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const device = await client.initiateDeviceAuthorization(config, { scope: "openid email" });
    expect(device.verification_uri).toBe(`${issuer}/device`);
    const polling = client.pollDeviceAuthorizationGrant(config, device);

    const page = await (await browser.newContext()).newPage();
    await page.goto(device.verification_uri_complete ?? "");
    await signIn(page, existingUser.email, existingUser.password);
    expect(await page.inputValue('input[name="user_code"]'), await describePage(page)).toBe(
      device.user_code,
    );
    await page.click('button[type="submit"]');
    expect(await page.textContent("body")).toContain("E2E TV asks for access to your account.");
    await page.click('button[value="approve"]');
    expect(await page.textContent("body")).toContain("Your device is connected.");

    const tokens = await polling;
    const { payload } = await jwtVerify(
      tokens.access_token,
      createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`)),
      { issuer },
    );
    expect(payload).toMatchObject({ azp: "e2e-tv", email: existingUser.email });
    expect(tokens.claims()?.sid).toBe(payload.sid);
  });
});

describe("device code polling the token endpoint refuses (RFC 8628 §3.5)", () => {
  it("answers slow_down to a device that polls sooner than the interval", async () => {
    const issuer = latchkey.issuer(REALM);
    const endpoint = `${issuer}/protocol/openid-connect`;
    const post = async (path: string, fields: Record<string, string>) => {
      const response = await fetch(`${endpoint}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ client_id: "e2e-tv", ...fields }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    const device = await post("auth/device", { scope: "openid" });
    const poll = () =>
      post("token", {
        grant_type: "urn:ietf:params:oauth:grant-type:device_code",
        device_code: device.body.device_code ?? "",
      });

    expect(await poll()).toMatchObject({ status: 400, body: { error: "authorization_pending" } });
    expect(await poll()).toMatchObject({ status: 400, body: { error: "slow_down" } });
  });
});
