/** The languages Latchkey has message files for, in `locales/`. */
export const supportedLocales = ["en", "de"] as const;

/** One of the supported languages, named by its primary language subtag (BCP 47). */
export type Locale = (typeof supportedLocales)[number];

/** Name of the cookie that remembers a person's chosen language. */
export const LOCALE_COOKIE = "latchkey_locale";

/** The supported locale for a language tag such as `de-CH`, matched on its primary subtag. */
export function matchLocale(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/, 1)[0];
  return supportedLocales.find((locale) => locale === primary);
}
