import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { sha256 } from "../../../src/crypto/digest";
import { database } from "../../../src/db/client";
import { deviceCodes } from "../../../src/db/schema";
import { Browser, readForm } from "./browser";
import { postForm, tokenRequest } from "./oidc";
import {
  BACKEND_REDIRECT,
  BACKEND_SECRET,
  ORIGIN,
  SPA_REDIRECT,
  seedRealm,
  USER_EMAIL,
  USER_PASSWORD,
} from "./realm";

export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/**
 * A realm whose public clients `tv` and `console` have the device grant on, as Keycloak's
 * attribute sets it; `backend` and `spa` have it off.
 */
export function seedDeviceRealm() {
  return seedRealm({
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT] },
      { clientId: "backend", secret: BACKEND_SECRET, redirectUris: [BACKEND_REDIRECT] },
      {
        clientId: "console",
        publicClient: true,
        attributes: { "oauth2.device.authorization.grant.enabled": "true" },
      },
      {
        clientId: "tv",
        name: "Living Room TV",
        publicClient: true,
        attributes: { "oauth2.device.authorization.grant.enabled": "true" },
      },
    ],
  });
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** `tv` asks for a device authorization (RFC 8628 §3.1) and gets one. */
export async function authorizeDevice(oidc: string, scope = "openid") {
  const response = await postForm(`${oidc}/auth/device`, { client_id: "tv", scope });
  expect(response.status).toBe(200);
  return (await response.json()) as DeviceAuthorization;
}

/** `tv` polls the token endpoint with its device code (RFC 8628 §3.4). */
export function pollToken(oidc: string, deviceCode: string, clientId = "tv") {
  return tokenRequest(oidc, {
    grant_type: DEVICE_GRANT,
    client_id: clientId,
    device_code: deviceCode,
  });
}

/** The device page of a realm. */
export function devicePage(realmName: string) {
  return `${ORIGIN}/realms/${realmName}/device`;
}

/** A browser that signed ada in through the device page, as a person following the link does. */
export async function deviceBrowser(realmName: string, userCode?: string) {
  const browser = new Browser();
  const query = userCode ? `?${new URLSearchParams({ user_code: userCode })}` : "";
  const url = `${devicePage(realmName)}${query}`;
  const login = await browser.get(url);
  const { action, hidden } = readForm(await login.text(), url);
  const signedIn = await browser.post(action, {
    ...hidden,
    username: USER_EMAIL,
    password: USER_PASSWORD,
  });
  expect(signedIn.status).toBe(303);
  return { browser, next: new URL(signedIn.headers.get("location") ?? "", ORIGIN).toString() };
}

/** Submits a user code on the device page; answers with the page that follows. */
export async function submitUserCode(browser: Browser, realmName: string, userCode: string) {
  const page = await browser.get(devicePage(realmName));
  const { action, hidden } = readForm(await page.text(), devicePage(realmName));
  return browser.post(action, { ...hidden, user_code: userCode });
}

/** Enters the code and answers the question on the device page: "approve" or "deny". */
export async function answerDevice(
  browser: Browser,
  realmName: string,
  userCode: string,
  decision: "approve" | "deny",
) {
  const confirm = await submitUserCode(browser, realmName, userCode);
  expect(confirm.status).toBe(200);
  const { action, hidden } = readForm(await confirm.text(), devicePage(realmName));
  return browser.post(action, { ...hidden, decision });
}

/** Moves a device code's expiry; device codes are stored by their SHA-256 only. */
export async function setDeviceCodeExpiry(deviceCode: string, expiresAt: number) {
  await database(env.DB)
    .update(deviceCodes)
    .set({ expiresAt })
    .where(eq(deviceCodes.deviceCodeHash, await sha256(deviceCode)));
}

/** Moves the moment a device asked, as if it had asked then. */
export async function setDeviceCodeCreatedAt(deviceCode: string, createdAt: number) {
  await database(env.DB)
    .update(deviceCodes)
    .set({ createdAt })
    .where(eq(deviceCodes.deviceCodeHash, await sha256(deviceCode)));
}

/** Moves a device code's last poll into the past, as if the client had waited since. */
export async function setDeviceCodeLastPoll(deviceCode: string, lastPolledAt: number) {
  await database(env.DB)
    .update(deviceCodes)
    .set({ lastPolledAt })
    .where(eq(deviceCodes.deviceCodeHash, await sha256(deviceCode)));
}
