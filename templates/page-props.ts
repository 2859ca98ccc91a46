import type { Locale, Translator } from "../src/i18n";

/** What every page and layout component receives: the language and its messages. */
export interface PageProps {
  t: Translator;
  locale: Locale;
}
