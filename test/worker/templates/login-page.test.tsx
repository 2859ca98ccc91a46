import { describe, expect, it } from "vitest";
import { translator } from "../../../src/i18n";
import { LoginPage } from "../../../templates/login-page";

const base = {
  t: translator("en"),
  locale: "en" as const,
  realmName: "Demo",
  action: "/realms/demo/login-actions/authenticate?session=abc",
  csrfToken: "csrf-123",
};

async function render(props: Partial<Parameters<typeof LoginPage>[0]> = {}): Promise<string> {
  return String(await (<LoginPage {...base} {...props} />).toString());
}

describe("LoginPage", () => {
  it("posts to the action with the CSRF token in a hidden field", async () => {
    const html = await render();

    expect(html).toContain(
      '<form method="post" action="/realms/demo/login-actions/authenticate?session=abc">',
    );
    expect(html).toContain('<input type="hidden" name="csrf_token" value="csrf-123"/>');
  });

  it("binds each label to its input and sets autocomplete for password managers", async () => {
    const html = await render();

    expect(html).toContain('<label for="username">Email or username</label>');
    expect(html).toMatch(
      /<input id="username" name="username" type="text"[^>]* autocomplete="username webauthn"/,
    );
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toMatch(
      /<input id="password"[^>]* type="password"[^>]* autocomplete="current-password"/,
    );
  });

  it("prefills the login but never the password", async () => {
    const html = await render({ login: "ada@example.com" });

    expect(html).toMatch(/<input id="username"[^>]* value="ada@example.com"/);
    expect(html).not.toMatch(/<input id="password"[^>]* value=/);
  });

  it("escapes a hostile login value", async () => {
    const html = await render({ login: '"><script>alert(1)</script>' });

    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain("<script>");
  });

  it("announces an error and ties it to both fields", async () => {
    const html = await render({ errorKey: "login.invalidCredentials" });

    expect(html).toContain(
      '<p id="login-error" class="alert" role="alert">Invalid email or password.</p>',
    );
    expect(html).toMatch(
      /<input id="username"[^>]* aria-invalid="true" aria-describedby="login-error"/,
    );
    expect(html).toMatch(
      /<input id="password"[^>]* aria-invalid="true" aria-describedby="login-error"/,
    );
  });

  it("shows no alert and no invalid fields without an error", async () => {
    const html = await render();

    expect(html).not.toContain('role="alert"');
    expect(html).not.toContain("aria-invalid");
  });

  it("links to sign-up only when registration is offered", async () => {
    expect(await render()).not.toContain("No account?");
    expect(await render({ registerUrl: "/realms/demo/register" })).toContain(
      'No account? <a href="/realms/demo/register">Sign up</a>',
    );
  });

  it("shows German text when the locale is de", async () => {
    const html = await render({ t: translator("de"), locale: "de" });

    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<label for="username">E-Mail-Adresse oder Benutzername</label>');
    expect(html).toContain("Anmelden");
  });
});

describe("LoginPage: passkeys", () => {
  const passkey = { action: "/realms/demo/login-actions/passkey/authenticate", optionsUrl: "/o" };

  it("offers passkey sign-in and autofill, hidden until the script finds WebAuthn", async () => {
    const html = await render({ passkey });

    expect(html).toContain('<section class="passkey" data-passkey-section="true" hidden="">');
    expect(html).toContain('data-passkey="authentication"');
    expect(html).toContain('autocomplete="username webauthn"');
    expect(html).toContain('<script src="/resources/webauthn.js"></script>');
    expect(html).toContain("Sign in with a passkey");
  });

  it("offers no passkey without the passkey endpoints", async () => {
    expect(await render()).not.toContain("data-passkey");
  });
});

describe("LoginPage: passkey autofill after a refusal", () => {
  const passkey = { action: "/a", optionsUrl: "/o" };

  it("offers autofill on a fresh page and waits for the person after a refusal", async () => {
    expect(await render({ passkey })).toContain('data-autofill="on"');
    const refused = await render({ passkey, errorKey: "passkey.unknownCredential" });
    expect(refused).not.toContain("data-autofill");
    expect(refused).toContain("This passkey is not registered here.");
  });
});
