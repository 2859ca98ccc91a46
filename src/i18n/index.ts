export { LOCALE_COOKIE, type Locale, matchLocale, supportedLocales } from "./locales";
export { type LocaleSources, negotiateLocale } from "./negotiate";
export { type MessageKey, type Translator, translator } from "./translator";
