import { type Locale, matchLocale, supportedLocales } from "./locales";

/** Where a request may say which language it wants, strongest first. */
export interface LocaleSources {
  /** OIDC Core §3.1.2.1 `ui_locales`: space-separated language tags in order of preference. */
  uiLocales?: string | null;
  /** The value of the `latchkey_locale` cookie. */
  cookie?: string | null;
  /** The `Accept-Language` request header (RFC 9110 §12.5.4). */
  acceptLanguage?: string | null;
}

// Bounds the work a hostile header can cause; real browsers send a handful of tags.
const maxHeaderLength = 1024;
const maxRanges = 32;

const languageRange = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/i;
const qualityParam = /^q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

interface WeightedRange {
  range: string;
  q: number;
}

/** The page language: `ui_locales`, then the language cookie, then `Accept-Language`. */
export function negotiateLocale(input: LocaleSources, fallback: Locale = "en"): Locale {
  return (
    fromUiLocales(input.uiLocales) ??
    fromCookie(input.cookie) ??
    fromAcceptLanguage(input.acceptLanguage, fallback) ??
    fallback
  );
}

function fromUiLocales(value: string | null | undefined): Locale | undefined {
  for (const tag of (value ?? "").slice(0, maxHeaderLength).split(/\s+/)) {
    const locale = languageRange.test(tag) ? matchLocale(tag) : undefined;
    if (locale) return locale;
  }
  return undefined;
}

function fromCookie(value: string | null | undefined): Locale | undefined {
  if (!value || !languageRange.test(value)) return undefined;

  return matchLocale(value);
}

function fromAcceptLanguage(
  header: string | null | undefined,
  fallback: Locale,
): Locale | undefined {
  const ranges = parseAcceptLanguage(header ?? "");
  const refused = new Set(ranges.filter((r) => r.q === 0).map((r) => r.range.toLowerCase()));

  for (const { range, q } of ranges) {
    if (q === 0) continue;

    // RFC 9110 §12.5.4: `*` stands for any language not named elsewhere in the header.
    if (range === "*") return [fallback, ...supportedLocales].find((l) => !refused.has(l));

    const locale = matchLocale(range);
    if (locale && !refused.has(locale)) return locale;
  }
  return undefined;
}

/** The header's well-formed language ranges, highest quality first, ties in header order. */
function parseAcceptLanguage(header: string): WeightedRange[] {
  const ranges: WeightedRange[] = [];

  for (const part of header.slice(0, maxHeaderLength).split(",").slice(0, maxRanges)) {
    const [range = "", ...params] = part.split(";").map((s) => s.trim());
    if (!languageRange.test(range)) continue;

    const q = quality(params);
    if (q !== undefined) ranges.push({ range, q });
  }
  return ranges.sort((a, b) => b.q - a.q);
}

/** The `q` weight of a range (1 when absent), or undefined when the parameters are malformed. */
function quality(params: string[]): number | undefined {
  if (params.length === 0) return 1;
  if (params.length > 1) return undefined;

  const match = qualityParam.exec(params[0] ?? "");
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
