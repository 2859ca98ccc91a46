import { describe, expect, it } from "vitest";
import { translator } from "../../../src/i18n";
import { LoggedOutPage } from "../../../templates/logged-out-page";
import { LogoutConfirmPage } from "../../../templates/logout-confirm-page";

const t = translator("en");

describe("LogoutConfirmPage", () => {
  const confirm = (fields: Record<string, string>, locale: "en" | "de" = "en") =>
    (
      <LogoutConfirmPage
        t={translator(locale)}
        locale={locale}
        action="/realms/demo/protocol/openid-connect/logout"
        csrfToken="csrf-1"
        fields={fields}
      />
    ).toString();

  it("asks before signing out and posts the CSRF token with the request's parameters", async () => {
    const html = String(await confirm({ client_id: "app", state: "s" }));

    expect(html).toContain("Do you want to sign out?");
    expect(html).toContain(
      '<form method="post" action="/realms/demo/protocol/openid-connect/logout">',
    );
    expect(html).toContain('<input type="hidden" name="csrf_token" value="csrf-1"/>');
    expect(html).toContain('<input type="hidden" name="client_id" value="app"/>');
    expect(html).toContain('<input type="hidden" name="state" value="s"/>');
    expect(html).toContain('<button type="submit" class="primary">Sign out</button>');
  });

  it("never lets a request parameter stand in for the CSRF token", async () => {
    const html = String(await confirm({ csrf_token: "forged" }));

    expect(html).not.toContain("forged");
    expect(html.match(/name="csrf_token"/g)).toHaveLength(1);
  });

  it("escapes parameter values", async () => {
    const html = String(await confirm({ state: "<script>x</script>" }));

    expect(html).toContain('value="&lt;script&gt;x&lt;/script&gt;"');
    expect(html).not.toContain("<script");
  });

  it("shows German text when the locale is de", async () => {
    expect(String(await confirm({}, "de"))).toContain("Möchten Sie sich abmelden?");
  });
});

describe("LoggedOutPage", () => {
  it("confirms the sign-out", async () => {
    const html = String(await (<LoggedOutPage t={t} locale="en" />).toString());

    expect(html).toContain('<p role="status">You have signed out.</p>');
    expect(html).not.toContain("<a ");
  });

  it("offers to continue when a continue URL is given", async () => {
    const page = <LoggedOutPage t={t} locale="en" continueUrl="https://app.example/?a=1&b=2" />;
    const html = String(await page.toString());

    expect(html).toContain(
      '<a id="continue" href="https://app.example/?a=1&amp;b=2" class="button primary">' +
        "Continue</a>",
    );
  });

  it("shows German text when the locale is de", async () => {
    const html = String(await (<LoggedOutPage t={translator("de")} locale="de" />).toString());

    expect(html).toContain("Sie haben sich abgemeldet.");
  });
});
