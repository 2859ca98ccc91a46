import { describe, expect, it } from "vitest";
import { Browser, readForm } from "../support/browser";
import { authorizeUrl, redirectParams, signIn, spaRequest } from "../support/oidc";
import { ORIGIN, seedRealm, USER_EMAIL, USER_PASSWORD } from "../support/realm";

const accountLogin = (name: string) => `${ORIGIN}/realms/${name}/login-actions/authenticate`;

/** Posts the sign-in form and returns status and body. */
async function attempt(browser: Browser, url: string, username: string, password: string) {
  const response = await signIn(browser, url, { username, password });
  return { status: response.status, body: await response.text(), response };
}

/** The page minus what legitimately differs per request (CSRF token, echoed login). */
function comparable(body: string, login: string) {
  return body.replace(/name="csrf_token" value="[^"]*"/g, "").replaceAll(login, "LOGIN");
}

describe("password sign-in", () => {
  it("signs in by email in any case and Unicode form, and by username", async () => {
    const realm = await seedRealm();
    for (const login of ["ADA@example.com", "ａｄａ@example.com", "ada@EXAMPLE.com", "ada"]) {
      const result = await attempt(new Browser(), accountLogin(realm.name), login, USER_PASSWORD);
      expect(result.status, login).toBe(303);
      expect(result.response.headers.get("location")).toBe(`/realms/${realm.name}/account`);
    }
  });

  it("answers a wrong password, an unknown account and a disabled one alike", async () => {
    const realm = await seedRealm({
      users: [
        {
          username: "ada",
          email: USER_EMAIL,
          credentials: [{ type: "password", value: USER_PASSWORD }],
        },
        {
          username: "off",
          email: "off@example.com",
          enabled: false,
          credentials: [{ type: "password", value: USER_PASSWORD }],
        },
      ],
    });
    const url = accountLogin(realm.name);
    const wrong = await attempt(new Browser(), url, "ada@example.com", "not-the-password");
    const unknown = await attempt(new Browser(), url, "bob@example.com", "not-the-password");
    const disabled = await attempt(new Browser(), url, "off@example.com", USER_PASSWORD);

    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain("Invalid email or password.");
    expect(comparable(unknown.body, "bob@example.com")).toBe(
      comparable(wrong.body, "ada@example.com"),
    );
    expect(comparable(disabled.body, "off@example.com")).toBe(
      comparable(wrong.body, "ada@example.com"),
    );
    expect([unknown.status, disabled.status]).toEqual([401, 401]);
  });

  it("locks an account after failureFactor failures, answering like a wrong password", async () => {
    const realm = await seedRealm({ failureFactor: 3, waitIncrementSeconds: 60 });
    const url = accountLogin(realm.name);
    for (let i = 0; i < 3; i += 1) {
      expect((await attempt(new Browser(), url, USER_EMAIL, "wrong-password")).status).toBe(401);
    }

    const locked = await attempt(new Browser(), url, USER_EMAIL, USER_PASSWORD);
    expect(locked.status).toBe(401);
    expect(locked.body).toContain("Invalid email or password.");
    expect(locked.response.headers.getSetCookie().join()).not.toContain("lk_sso_");
  });

  it("forgets earlier failures after a successful sign-in", async () => {
    const realm = await seedRealm({ failureFactor: 3 });
    const url = accountLogin(realm.name);
    for (const round of [1, 2]) {
      await attempt(new Browser(), url, USER_EMAIL, "wrong-password");
      await attempt(new Browser(), url, USER_EMAIL, "wrong-password");
      const success = await attempt(new Browser(), url, USER_EMAIL, USER_PASSWORD);
      expect(success.status, `round ${round}`).toBe(303);
    }
  });

  it("does not lock when the realm turned brute-force protection off", async () => {
    const realm = await seedRealm({ failureFactor: 2, bruteForceProtected: false });
    const url = accountLogin(realm.name);
    for (let i = 0; i < 3; i += 1) await attempt(new Browser(), url, USER_EMAIL, "wrong-password");
    expect((await attempt(new Browser(), url, USER_EMAIL, USER_PASSWORD)).status).toBe(303);
  });

  it("asks for both fields when one is empty", async () => {
    const realm = await seedRealm();
    const result = await attempt(new Browser(), accountLogin(realm.name), USER_EMAIL, "");
    expect(result.status).toBe(400);
    expect(result.body).toContain("Please enter your email or username and your password.");
  });

  it("refuses a form without the CSRF token of this browser (403, no session)", async () => {
    const realm = await seedRealm();
    const url = accountLogin(realm.name);
    const browser = new Browser();
    const { action } = readForm(await (await browser.get(url)).text(), url);

    const missing = await browser.post(action, { username: USER_EMAIL, password: USER_PASSWORD });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain("This form has expired");

    const other = new Browser();
    const { hidden } = readForm(await (await other.get(url)).text(), url);
    const forged = await browser.post(action, {
      ...hidden,
      username: USER_EMAIL,
      password: USER_PASSWORD,
    });
    expect(forged.status).toBe(403);
    expect([...browser.cookies.keys()].some((name) => name.startsWith("lk_sso_"))).toBe(false);
  });

  it("sets an HttpOnly, SameSite=Lax, Secure __Host- session cookie over https", async () => {
    const realm = await seedRealm();
    const result = await attempt(
      new Browser(),
      accountLogin(realm.name),
      USER_EMAIL,
      USER_PASSWORD,
    );
    const cookie = result.response.headers.getSetCookie().find((c) => c.includes("lk_sso_")) ?? "";
    expect(cookie).toMatch(/^__Host-lk_sso_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
  });

  it("prefills login_hint and carries the authorization request through the form", async () => {
    const realm = await seedRealm();
    const { params } = await spaRequest({ login_hint: "ada@example.com" });
    const browser = new Browser();
    const page = await (await browser.get(authorizeUrl(realm.oidc, params))).text();
    expect(page).toContain('value="ada@example.com"');

    const redirect = await signIn(browser, authorizeUrl(realm.oidc, params));
    const callback = redirectParams(redirect);
    expect(callback.get("code")).toBeTruthy();
    expect(callback.get("state")).toBe("state-123");
    expect(callback.get("iss")).toBe(realm.issuer);
  });
});
