import { describe, expect, it } from "vitest";
import { LOCALE_COOKIE, negotiateLocale } from "../../../src/i18n";

describe("negotiateLocale", () => {
  it("answers the fallback when the request names no language", () => {
    expect(negotiateLocale({})).toBe("en");
    expect(negotiateLocale({ uiLocales: null, cookie: null, acceptLanguage: null })).toBe("en");
    expect(negotiateLocale({}, "de")).toBe("de");
  });

  it("names the language cookie latchkey_locale", () => {
    expect(LOCALE_COOKIE).toBe("latchkey_locale");
  });

  describe("ui_locales (OIDC Core §3.1.2.1)", () => {
    it("picks the first supported tag of the space-separated list", () => {
      expect(negotiateLocale({ uiLocales: "fr-CA ja de en" })).toBe("de");
    });

    it("matches a regional tag on its primary subtag", () => {
      expect(negotiateLocale({ uiLocales: "de-CH" })).toBe("de");
      expect(negotiateLocale({ uiLocales: "EN-gb" }, "de")).toBe("en");
    });

    it("wins over the cookie and Accept-Language", () => {
      const input = { uiLocales: "de", cookie: "en", acceptLanguage: "en" };

      expect(negotiateLocale(input)).toBe("de");
    });

    it("is passed over when it names no supported language", () => {
      expect(negotiateLocale({ uiLocales: "fr ja", cookie: "de" })).toBe("de");
      expect(negotiateLocale({ uiLocales: "   ", acceptLanguage: "de" })).toBe("de");
    });
  });

  describe("language cookie", () => {
    it("wins over Accept-Language", () => {
      expect(negotiateLocale({ cookie: "de", acceptLanguage: "en" })).toBe("de");
    });

    it("is passed over when it names an unsupported or malformed language", () => {
      expect(negotiateLocale({ cookie: "fr", acceptLanguage: "de" })).toBe("de");
      expect(negotiateLocale({ cookie: "de;drop table", acceptLanguage: "en" }, "de")).toBe("en");
      expect(negotiateLocale({ cookie: "", acceptLanguage: "de" })).toBe("de");
    });
  });

  describe("Accept-Language (RFC 9110 §12.5.4)", () => {
    it("picks the first supported language when no weights are given", () => {
      expect(negotiateLocale({ acceptLanguage: "fr, de, en" })).toBe("de");
    });

    it("matches a regional tag on its primary subtag", () => {
      expect(negotiateLocale({ acceptLanguage: "de-AT" })).toBe("de");
    });

    it("prefers the highest q-value over header order", () => {
      expect(negotiateLocale({ acceptLanguage: "en;q=0.5, de;q=0.9" })).toBe("de");
      expect(negotiateLocale({ acceptLanguage: "de;q=0.1, fr, en;q=0.8" })).toBe("en");
    });

    it("keeps header order between equal q-values", () => {
      expect(negotiateLocale({ acceptLanguage: "de;q=0.7, en;q=0.7" })).toBe("de");
    });

    it("treats q=0 as not acceptable", () => {
      expect(negotiateLocale({ acceptLanguage: "de;q=0" }, "en")).toBe("en");
      expect(negotiateLocale({ acceptLanguage: "en;q=0, de-CH;q=0.2" })).toBe("de");
      expect(negotiateLocale({ acceptLanguage: "de-DE, de;q=0, en;q=0.1" })).toBe("en");
    });

    it("reads * as any language not refused", () => {
      expect(negotiateLocale({ acceptLanguage: "fr, *;q=0.5" }, "de")).toBe("de");
      expect(negotiateLocale({ acceptLanguage: "en;q=0, *" })).toBe("de");
    });

    it("falls back when no listed language is supported", () => {
      expect(negotiateLocale({ acceptLanguage: "fr-FR, ja;q=0.9, zh-Hant;q=0.8" })).toBe("en");
      expect(negotiateLocale({ acceptLanguage: "fr" }, "de")).toBe("de");
    });

    it("ignores malformed ranges and weights but keeps the well-formed ones", () => {
      expect(negotiateLocale({ acceptLanguage: "en;q=2, de" })).toBe("de");
      expect(negotiateLocale({ acceptLanguage: "en;q=abc, de;q=0.3" })).toBe("de");
      expect(negotiateLocale({ acceptLanguage: "<script>, de;q=0.5" })).toBe("de");
      expect(negotiateLocale({ acceptLanguage: "en;q=0.5;q=1, de;q=0.1" })).toBe("de");
    });

    it("survives garbage headers", () => {
      for (const garbage of ["", ",,,;;;", "q=1", ";q=0.5", "🙂", "de-", "-de", "d e", "\u0000"]) {
        expect(negotiateLocale({ acceptLanguage: garbage }), garbage).toBe("en");
      }
    });

    it("stops reading an oversized header without failing", () => {
      const header = `${"fr;q=0.9, ".repeat(10_000)}de`;

      expect(negotiateLocale({ acceptLanguage: header })).toBe("en");
    });
  });
});
