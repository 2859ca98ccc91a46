import { describe, expect, it } from "vitest";
import { translator } from "../../../src/i18n";
import { AccountGrants } from "../../../templates/account-grants";
import { ConsentPage } from "../../../templates/consent-page";
import { SelectAccountPage } from "../../../templates/select-account-page";

const t = translator("en");

describe("ConsentPage", () => {
  const page = (clientName: string) =>
    String(
      <ConsentPage
        t={t}
        locale="en"
        clientName={clientName}
        scopes={["Your email address"]}
        action="/realms/demo/login-actions/consent?client_id=app"
        csrfToken="csrf-1"
      />,
    );

  it("offers allow and deny in one form with the CSRF token", () => {
    const html = page("Photo Printer");

    expect(html).toContain('<input type="hidden" name="csrf_token" value="csrf-1"/>');
    expect(html).toContain('name="decision" value="approve"');
    expect(html).toContain('name="decision" value="deny"');
    expect(html).toContain("<li>Your email address</li>");
  });

  it("escapes the application's name", () => {
    const html = page('<script>alert("x")</script>');

    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
  });
});

describe("SelectAccountPage and AccountGrants", () => {
  it("names the signed-in person and links both ways on", () => {
    const html = String(
      <SelectAccountPage
        t={translator("de")}
        locale="de"
        name="Ada Lovelace"
        continueUrl="/continue"
        otherAccountUrl="/other"
      />,
    );

    expect(html).toContain('href="/continue">Weiter als Ada Lovelace</a>');
    expect(html).toContain('href="/other">Anderes Konto verwenden</a>');
  });

  it("says so when no application has access", () => {
    const html = String(
      <AccountGrants t={t} locale="en" grants={[]} revokeAction="/revoke" csrfToken="c" />,
    );

    expect(html).toContain("No application has been given access.");
    expect(html).not.toContain("<form");
  });
});
