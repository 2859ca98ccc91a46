import { describe, expect, it } from "vitest";
import de from "../../../locales/de.json";
import en from "../../../locales/en.json";
import { type MessageKey, supportedLocales, translator } from "../../../src/i18n";

const catalogues: Record<string, Record<string, string>> = { en, de };

function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();
}

describe("message catalogues", () => {
  it("has a catalogue for every supported locale", () => {
    expect(Object.keys(catalogues).sort()).toEqual([...supportedLocales].sort());
  });

  for (const [locale, messages] of Object.entries(catalogues)) {
    it(`${locale} has exactly the keys of every other locale`, () => {
      for (const other of Object.values(catalogues)) {
        expect(Object.keys(messages).sort()).toEqual(Object.keys(other).sort());
      }
    });

    it(`${locale} uses the same placeholders as English in every message`, () => {
      for (const [key, message] of Object.entries(messages)) {
        expect(placeholders(message), key).toEqual(placeholders(en[key as MessageKey] ?? ""));
      }
    });

    it(`${locale} has no empty messages`, () => {
      for (const [key, message] of Object.entries(messages)) {
        expect(message.trim(), key).not.toBe("");
      }
    });
  }

  it("groups every key under a dotted prefix", () => {
    for (const key of Object.keys(en)) {
      expect(key).toMatch(/^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)+$/);
    }
  });
});

describe("translator", () => {
  it("returns the message in the requested language", () => {
    expect(translator("en")("login.submit")).toBe("Sign in");
    expect(translator("de")("login.submit")).toBe("Anmelden");
  });

  it("fills named placeholders", () => {
    const t = translator("en");

    expect(t("register.passwordTooShort", { min: "12" })).toBe("Use at least 12 characters.");
    expect(t("register.passwordTooLong", { max: "128" })).toBe("Use at most 128 characters.");
  });

  it("leaves a placeholder untouched when its parameter is missing", () => {
    expect(translator("en")("register.passwordTooShort", {})).toBe(
      "Use at least {min} characters.",
    );
  });

  it("does not interpret placeholders inside parameter values", () => {
    const t = translator("en");

    expect(t("account.fullName", { first: "{last}", last: "Doe" })).toBe("{last} Doe");
  });

  it("falls back to English for a locale it has no catalogue for", () => {
    const t = translator("fr" as never);

    expect(t("login.submit")).toBe("Sign in");
  });
});
