import { describe, expect, it } from "vitest";
import { translator } from "../../../src/i18n";
import { AccountPage, type AccountPageProps } from "../../../templates/account-page";

const base: AccountPageProps = {
  t: translator("en"),
  locale: "en",
  realmName: "Demo",
  user: {
    username: "ada",
    email: "ada@example.com",
    firstName: "Ada",
    lastName: "Lovelace",
    emailVerified: true,
  },
  signedInAt: new Date("2026-03-04T05:06:07Z"),
  logoutAction: "/realms/demo/protocol/openid-connect/logout",
  csrfToken: "csrf-789",
};

async function render(props: Partial<AccountPageProps> = {}): Promise<string> {
  return String(await (<AccountPage {...base} {...props} />).toString());
}

describe("AccountPage", () => {
  it("shows who is signed in and since when", async () => {
    const html = await render();

    expect(html).toContain("<dd>ada</dd>");
    expect(html).toContain('ada@example.com<span class="badge">Verified</span>');
    expect(html).toContain("<dd>Ada Lovelace</dd>");
    expect(html).toContain('<time datetime="2026-03-04T05:06:07.000Z">March 4, 2026');
    expect(html).toContain("UTC</time>");
  });

  it("says when the email is not verified and when details are missing", async () => {
    const user = { ...base.user, emailVerified: false, firstName: null, lastName: null };
    const html = await render({ user });

    expect(html).toContain("Not verified");
    expect(html).toContain("<dt>Name</dt><dd>Not set</dd>");
  });

  it("shows one name alone when the other is missing", async () => {
    const html = await render({ user: { ...base.user, lastName: null } });

    expect(html).toContain("<dt>Name</dt><dd>Ada</dd>");
  });

  it("signs out with a POST form carrying the CSRF token", async () => {
    const html = await render();

    expect(html).toContain(
      '<form method="post" action="/realms/demo/protocol/openid-connect/logout">' +
        '<input type="hidden" name="csrf_token" value="csrf-789"/>' +
        '<button type="submit">Sign out</button></form>',
    );
  });

  it("escapes user-controlled values", async () => {
    const html = await render({ user: { ...base.user, firstName: "<script>x</script>" } });

    expect(html).toContain("&lt;script&gt;x&lt;/script&gt; Lovelace");
    expect(html).not.toContain("<script");
  });

  it("shows German text and dates when the locale is de", async () => {
    const html = await render({ t: translator("de"), locale: "de" });

    expect(html).toContain("<h1>Ihr Konto</h1>");
    expect(html).toContain("4. März 2026");
    expect(html).toContain("Abmelden</button>");
  });
});
