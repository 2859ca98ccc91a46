import type { Locale } from "../src/i18n";

/**
 * An instant as a person reads it. The server does not know their time zone, so it is shown
 * in UTC and says so.
 */
export function formatInstant(locale: Locale, instant: Date): string {
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(instant);
}
