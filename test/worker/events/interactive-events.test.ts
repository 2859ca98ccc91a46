import { describe, expect, it } from "vitest";
import { appRequest, seedAppRealm } from "../support/app-client";
import { Browser, readForm } from "../support/browser";
import {
  answerDevice,
  authorizeDevice,
  deviceBrowser,
  pollToken,
  seedDeviceRealm,
} from "../support/device";
import { enableEvents, storedEvent } from "../support/events";
import { authorizeUrl, signIn } from "../support/oidc";
import { ORIGIN, seedRealm, USER_EMAIL } from "../support/realm";

const signUpPage = (name: string) =>
  `${ORIGIN}/realms/${name}/protocol/openid-connect/registrations`;

async function register(name: string, email: string) {
  const browser = new Browser();
  const page = await browser.get(signUpPage(name));
  const { action, hidden } = readForm(await page.text(), signUpPage(name));
  const password = "a long passphrase";
  return browser.post(action, {
    ...hidden,
    email,
    firstName: "Grace",
    lastName: "Hopper",
    password,
    "password-confirm": password,
  });
}

/** Signs ada in for the third-party `app` and answers its consent page. */
async function consent(oidc: string, decision: "approve" | "deny") {
  const browser = new Browser();
  const { params } = await appRequest();
  const url = authorizeUrl(oidc, params);
  const page = await signIn(browser, url);
  const { action, hidden } = readForm(await page.text(), url);
  return browser.post(action, { ...hidden, decision });
}

describe("Keycloak events: sign-up, consent and the device flow", () => {
  it("records REGISTER for a new account, and REGISTER_ERROR for a taken email", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    expect((await register(realm.name, "grace@example.com")).status).toBe(303);
    expect((await register(realm.name, USER_EMAIL)).status).toBe(409);

    const created = await storedEvent(realm.name, "REGISTER");
    expect(created.userId).toBeTruthy();
    expect(created.details).toEqual({
      auth_method: "openid-connect",
      username: "grace@example.com",
    });
    const refused = await storedEvent(realm.name, "REGISTER_ERROR");
    expect(refused.error).toBe("email_in_use");
    expect(JSON.stringify(refused)).not.toContain("a long passphrase");
  });

  it("records GRANT_CONSENT with the scope approved", async () => {
    const realm = await seedAppRealm({ consentRequired: true }, { eventsEnabled: true });
    expect((await consent(realm.oidc, "approve")).status).toBe(302);

    const event = await storedEvent(realm.name, "GRANT_CONSENT");
    expect(event.clientId).toBe("app");
    expect(event.details?.scope).toBe("openid profile email");
  });

  it("records a denied consent as LOGIN_ERROR rejected_by_user, as Keycloak does", async () => {
    const realm = await seedAppRealm({ consentRequired: true }, { eventsEnabled: true });
    expect((await consent(realm.oidc, "deny")).status).toBe(302);

    const event = await storedEvent(realm.name, "LOGIN_ERROR");
    expect(event).toMatchObject({ clientId: "app", error: "rejected_by_user" });
  });

  it("records the device flow: authorization, the person's answer, the token", async () => {
    const realm = await seedDeviceRealm();
    await enableEvents(realm.name);
    const device = await authorizeDevice(realm.oidc);
    const { browser } = await deviceBrowser(realm.name);
    expect((await answerDevice(browser, realm.name, device.user_code, "approve")).status).toBe(200);
    expect((await pollToken(realm.oidc, device.device_code)).status).toBe(200);

    expect((await storedEvent(realm.name, "OAUTH2_DEVICE_AUTH")).clientId).toBe("tv");
    const verified = await storedEvent(realm.name, "OAUTH2_DEVICE_VERIFY_USER_CODE");
    expect(verified).toMatchObject({ clientId: "tv", error: null });
    const token = await storedEvent(realm.name, "OAUTH2_DEVICE_CODE_TO_TOKEN");
    expect(token.details).toEqual({
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      scope: "openid profile email",
      claims: expect.stringContaining("preferred_username"),
    });
    expect(JSON.stringify(token)).not.toContain(device.device_code);
  });

  it("records a denied device code as rejected_by_user", async () => {
    const realm = await seedDeviceRealm();
    await enableEvents(realm.name);
    const device = await authorizeDevice(realm.oidc);
    const { browser } = await deviceBrowser(realm.name);
    await answerDevice(browser, realm.name, device.user_code, "deny");

    const event = await storedEvent(realm.name, "OAUTH2_DEVICE_VERIFY_USER_CODE");
    expect(event.error).toBe("rejected_by_user");
  });
});
