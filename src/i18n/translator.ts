import de from "../../locales/de.json";
import en from "../../locales/en.json";
import type { Locale } from "./locales";

/** The name of a message: any key of `locales/en.json`, the reference catalogue. */
export type MessageKey = keyof typeof en;

/** Looks up a message in one language and fills its `{name}` placeholders from `params`. */
export type Translator = (key: MessageKey, params?: Record<string, string>) => string;

// Typing each catalogue against the English keys makes a missing translation a compile error.
const catalogues: Record<Locale, Record<MessageKey, string>> = { en, de };

const placeholder = /\{(\w+)\}/g;

/** A translator for `locale`; a message missing at run time falls back to English. */
export function translator(locale: Locale): Translator {
  const messages = catalogues[locale] ?? catalogues.en;

  return (key, params) => {
    const message = messages[key] ?? catalogues.en[key] ?? key;
    if (!params) return message;

    return message.replace(placeholder, (whole, name: string) => params[name] ?? whole);
  };
}
