import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../config";
import { LOCALE_COOKIE, type Locale, matchLocale, negotiateLocale, translator } from "../i18n";

/**
 * Picks the request's language (`ui_locales`, the language cookie, `Accept-Language`) and
 * its messages; `fallback` answers when none of them names a supported language.
 */
export function setRequestLocale(c: Context<AppEnv>, fallback: string = "en"): void {
  const locale = negotiateLocale(
    {
      uiLocales: new URL(c.req.url).searchParams.get("ui_locales"),
      cookie: getCookie(c, LOCALE_COOKIE),
      acceptLanguage: c.req.header("accept-language"),
    },
    matchLocale(fallback) ?? ("en" satisfies Locale),
  );
  c.set("locale", locale);
  c.set("t", translator(locale));
}
