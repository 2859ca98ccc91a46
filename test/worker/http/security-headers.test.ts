import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ORIGIN, seedRealm } from "../support/realm";

describe("security headers on pages (OWASP ASVS V14.4)", () => {
  it("forbid inline script, framing and referrers, and caching of pages", async () => {
    const realm = await seedRealm();
    const page = await SELF.fetch(`${ORIGIN}/realms/${realm.name}/login-actions/authenticate`);
    const csp = page.headers.get("content-security-policy") ?? "";

    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("cache-control")).toBe("no-store");
  });

  it("answers an unknown page with a localized 404 page, not a stack trace", async () => {
    const response = await SELF.fetch(`${ORIGIN}/realms/nowhere/account`, {
      headers: { "accept-language": "de" },
    });
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('lang="de"');
    expect(html).not.toMatch(/at .*\.ts:\d+/);
  });

  it("renders pages in the language of ui_locales, then Accept-Language", async () => {
    const realm = await seedRealm();
    const url = `${ORIGIN}/realms/${realm.name}/login-actions/authenticate`;
    const german = await (
      await SELF.fetch(url, { headers: { "accept-language": "de-CH, en;q=0.5" } })
    ).text();
    expect(german).toContain('lang="de"');
    const english = await (
      await SELF.fetch(`${url}?ui_locales=en`, { headers: { "accept-language": "de" } })
    ).text();
    expect(english).toContain('lang="en"');
  });
});

describe("the realm's default language", () => {
  it("answers in the realm's defaultLocale when the request names no language", async () => {
    const realm = await seedRealm({ defaultLocale: "de" });
    const url = `${ORIGIN}/realms/${realm.name}/login-actions/authenticate`;

    const unnamed = await (await SELF.fetch(url)).text();
    expect(unnamed).toContain('lang="de"');
    const named = await (await SELF.fetch(url, { headers: { "accept-language": "en" } })).text();
    expect(named).toContain('lang="en"');
  });
});

describe("static resources", () => {
  it("serves the stylesheet with a long cache lifetime", async () => {
    const response = await SELF.fetch(`${ORIGIN}/resources/styles.css`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/css");
  });

  it.each(["toString", "__proto__", "constructor", "missing.js"])(
    "answers 404 for %s, never a prototype property",
    async (name) => {
      const response = await SELF.fetch(`${ORIGIN}/resources/${name}`);
      expect(response.status).toBe(404);
    },
  );
});
