import { describe, expect, it } from "vitest";
import { translator } from "../../../src/i18n";
import { ErrorPage } from "../../../templates/error-page";

describe("ErrorPage", () => {
  it("announces the localized message in an alert", async () => {
    const page = <ErrorPage t={translator("en")} locale="en" messageKey="error.unknownClient" />;
    const html = String(await page.toString());

    expect(html).toContain("<h1>Something went wrong</h1>");
    expect(html).toContain('role="alert">This application is not known here.');
  });

  it("links back only when a back URL is given", async () => {
    const t = translator("en");
    const without = String(
      await (<ErrorPage t={t} locale="en" messageKey="error.csrf" />).toString(),
    );
    const withBack = String(
      await (
        <ErrorPage t={t} locale="en" messageKey="error.csrf" backUrl="/a?b=1&c=2" />
      ).toString(),
    );

    expect(without).not.toContain("Go back");
    expect(withBack).toContain('<a href="/a?b=1&amp;c=2">Go back</a>');
  });

  it("shows German text when the locale is de", async () => {
    const page = <ErrorPage t={translator("de")} locale="de" messageKey="error.tooManyRequests" />;
    const html = String(await page.toString());

    expect(html).toContain('<html lang="de">');
    expect(html).toContain("<h1>Etwas ist schiefgelaufen</h1>");
    expect(html).toContain("Zu viele Versuche.");
  });
});
