import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Browser, readForm } from "../support/browser";
import { signIn } from "../support/oidc";
import { ORIGIN, seedRealm } from "../support/realm";

describe("account console", () => {
  it("leads from / to the default realm's account page", async () => {
    const response = await SELF.fetch(`${ORIGIN}/`, { redirect: "manual" });
    expect(response.headers.get("location")).toBe("/realms/demo/account");
  });

  it("sends a visitor without a session to the sign-in page", async () => {
    const realm = await seedRealm();
    const response = await new Browser().get(`${ORIGIN}/realms/${realm.name}/account`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(
      `/realms/${realm.name}/login-actions/authenticate`,
    );
  });

  it("shows who is signed in, and signs out only with the page's CSRF token", async () => {
    const realm = await seedRealm();
    const browser = new Browser();
    const accountUrl = `${ORIGIN}/realms/${realm.name}/account`;
    await signIn(browser, `${ORIGIN}/realms/${realm.name}/login-actions/authenticate`);

    const page = await browser.get(accountUrl);
    const html = await page.text();
    expect(html).toContain("ada@example.com");
    expect(html).toContain("Ada");

    const { action, hidden } = readForm(html, accountUrl);
    expect((await browser.post(action, {})).status).toBe(403);
    expect((await browser.get(accountUrl)).status).toBe(200);

    const out = await browser.post(action, hidden);
    expect(out.status).toBe(303);
    expect((await browser.get(accountUrl)).status).toBe(302);
  });
});
