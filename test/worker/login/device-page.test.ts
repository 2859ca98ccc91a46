import { describe, expect, it } from "vitest";
import { signedInBrowser } from "../support/authorization";
import { Browser, readForm } from "../support/browser";
import {
  answerDevice,
  authorizeDevice,
  deviceBrowser,
  devicePage,
  pollToken,
  seedDeviceRealm,
  submitUserCode,
} from "../support/device";
import { expectErrorPage, expectLoginPage } from "../support/pages";
import { ORIGIN } from "../support/realm";

describe("device verification page (RFC 8628 §3.3)", () => {
  it("asks for sign-in first and comes back with the code filled in", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);

    await expectLoginPage(await new Browser().get(device.verification_uri_complete));
    const { browser, next } = await deviceBrowser(realm.name, device.user_code);
    expect(next).toBe(device.verification_uri_complete);

    const page = await browser.get(next);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`value="${device.user_code}"`);
  });

  it("comes back to the device page after signing up instead of signing in", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);
    const browser = new Browser();
    const login = await (await browser.get(device.verification_uri_complete)).text();

    const signUpLink = /href="([^"]*registrations[^"]*)"/.exec(login)?.[1] ?? "";
    const signUpUrl = new URL(signUpLink.replace(/&amp;/g, "&"), ORIGIN).toString();
    const form = readForm(await (await browser.get(signUpUrl)).text(), signUpUrl);
    const password = "a long passphrase";
    const registered = await browser.post(form.action, {
      ...form.hidden,
      email: "grace@example.com",
      firstName: "Grace",
      lastName: "Hopper",
      password,
      "password-confirm": password,
    });
    expect(registered.status).toBe(303);
    expect(new URL(registered.headers.get("location") ?? "", ORIGIN).toString()).toBe(
      device.verification_uri_complete,
    );
  });

  it("shows which app asks and for which scopes before the person answers", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc, "openid email");
    const { browser } = await signedInBrowser(realm.oidc);

    const confirm = await submitUserCode(browser, realm.name, device.user_code);
    const html = await confirm.text();
    expect(confirm.status).toBe(200);
    expect(html).toContain("Living Room TV asks for access to your account.");
    expect(html).toContain("Your email address");
    expect(html).toContain('value="approve"');
  });

  it("takes the code in lower case, without the dash", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);
    const { browser } = await signedInBrowser(realm.oidc);
    const typed = device.user_code.replace("-", " ").toLowerCase();

    const answer = await answerDevice(browser, realm.name, typed, "approve");
    expect(answer.status).toBe(200);
    expect((await pollToken(realm.oidc, device.device_code)).status).toBe(200);
  });

  it("refuses a wrong user code with a localized error and approves nothing", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);
    const { browser } = await signedInBrowser(realm.oidc);
    const wrong = device.user_code === "BCDF-GHJK" ? "BCDF-GHJL" : "BCDF-GHJK";

    const page = await submitUserCode(browser, realm.name, wrong);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("This code is not valid or has expired.");
    const poll = await pollToken(realm.oidc, device.device_code);
    expect(((await poll.json()) as { error: string }).error).toBe("authorization_pending");
  });

  it("refuses text that cannot be a user code", async () => {
    const realm = await seedDeviceRealm();
    const { browser } = await signedInBrowser(realm.oidc);

    const page = await submitUserCode(browser, realm.name, "AEIOU-123");
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("This code is not valid or has expired.");
  });

  it("locks the code form after five wrong codes, even for a right one (§5.1)", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);
    const { browser } = await signedInBrowser(realm.oidc);
    const wrong = device.user_code === "BCDF-GHJK" ? "BCDF-GHJL" : "BCDF-GHJK";

    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await submitUserCode(browser, realm.name, wrong)).status).toBe(400);
    }
    const locked = await submitUserCode(browser, realm.name, device.user_code);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain("Too many wrong codes.");
  });

  it("refuses an answer to a code that was already answered", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);
    const { browser } = await signedInBrowser(realm.oidc);
    await answerDevice(browser, realm.name, device.user_code, "deny");

    const again = await submitUserCode(browser, realm.name, device.user_code);
    expect(again.status).toBe(400);
    const poll = await pollToken(realm.oidc, device.device_code);
    expect(((await poll.json()) as { error: string }).error).toBe("access_denied");
  });

  it("answers a repeated user_code with the localized error page", async () => {
    const realm = await seedDeviceRealm();
    const { browser } = await signedInBrowser(realm.oidc);

    const page = await browser.get(`${devicePage(realm.name)}?user_code=A&user_code=B`);
    await expectErrorPage(page, "error.invalidRequest", 400);
  });

  it("refuses a form posted without the CSRF token", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);
    const { browser } = await signedInBrowser(realm.oidc);
    const page = await browser.get(devicePage(realm.name));
    const { action } = readForm(await page.text(), devicePage(realm.name));

    const forged = await browser.post(action, { user_code: device.user_code, decision: "approve" });
    await expectErrorPage(forged, "error.csrf", 403);
  });
});
