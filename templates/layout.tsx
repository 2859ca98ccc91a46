import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { PageProps } from "./page-props";

export interface LayoutProps extends PageProps {
  /** The page's own title; the brand is appended. */
  title: string;
  /** The realm's display name, shown instead of the product name when set. */
  realmName?: string;
  children?: Child;
}

/** The HTML shell around every page: language, viewport, stylesheet and brand header. */
export function Layout({ t, locale, title, realmName, children }: LayoutProps) {
  const brand = realmName || t("app.name");

  return (
    <>
      {raw("<!doctype html>")}
      <html lang={locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex, nofollow" />
          <meta name="referrer" content="no-referrer" />
          <meta name="color-scheme" content="light dark" />
          <title>{`${title} · ${brand}`}</title>
          <link rel="stylesheet" href="/resources/styles.css" />
        </head>
        <body>
          <header class="brand">
            <span class="brand-name">{brand}</span>
          </header>
          <main class="card">{children}</main>
        </body>
      </html>
    </>
  );
}
