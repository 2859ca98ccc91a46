import { describe, expect, it } from "vitest";
import { translator } from "../../../src/i18n";
import { RegisterPage, type RegisterPageProps } from "../../../templates/register-page";

const base: RegisterPageProps = {
  t: translator("en"),
  locale: "en",
  realmName: "Demo",
  action: "/realms/demo/login-actions/registration",
  loginUrl: "/realms/demo/protocol/openid-connect/auth?client_id=app",
  csrfToken: "csrf-456",
  values: {},
  fieldErrors: {},
};

async function render(props: Partial<RegisterPageProps> = {}): Promise<string> {
  return String(await (<RegisterPage {...base} {...props} />).toString());
}

describe("RegisterPage", () => {
  it("posts to the action with the CSRF token in a hidden field", async () => {
    const html = await render();

    expect(html).toContain('<form method="post" action="/realms/demo/login-actions/registration">');
    expect(html).toContain('<input type="hidden" name="csrf_token" value="csrf-456"/>');
  });

  it("uses Keycloak's field names with bound labels and autocomplete", async () => {
    const html = await render();
    const fields = [
      ["email", "Email", "email"],
      ["firstName", "First name", "given-name"],
      ["lastName", "Last name", "family-name"],
      ["password", "Password", "new-password"],
      ["password-confirm", "Confirm password", "new-password"],
    ];

    for (const [name, label, autocomplete] of fields) {
      expect(html).toContain(`<label for="${name}">${label}</label>`);
      expect(html).toMatch(
        new RegExp(
          `<input id="${name}" name="${name}"[^>]* autocomplete="${autocomplete}" required=""`,
        ),
      );
    }
  });

  it("prefills what was entered but never a password", async () => {
    const html = await render({
      values: { email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" },
    });

    expect(html).toMatch(/<input id="email"[^>]* value="ada@example.com"/);
    expect(html).toMatch(/<input id="firstName"[^>]* value="Ada"/);
    expect(html).toMatch(/<input id="lastName"[^>]* value="Lovelace"/);
    expect(html).not.toMatch(/<input id="password[^"]*"[^>]* value=/);
  });

  it("escapes hostile values", async () => {
    const html = await render({ values: { firstName: '"><script>alert(1)</script>' } });

    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain("<script");
  });

  it("ties each field error to its field and fills its placeholders", async () => {
    const html = await render({
      fieldErrors: {
        password: "register.passwordTooShort",
        passwordConfirm: "register.passwordMismatch",
      },
      fieldParams: { password: { min: "12" } },
    });

    expect(html).toMatch(
      /<input id="password"[^>]* aria-invalid="true" aria-describedby="password-error"/,
    );
    expect(html).toContain(
      '<p id="password-error" class="field-error">Use at least 12 characters.</p>',
    );
    expect(html).toMatch(
      /<input id="password-confirm"[^>]* aria-describedby="password-confirm-error"/,
    );
    expect(html).toContain("The passwords do not match.");
    expect(html).not.toMatch(/<input id="email"[^>]* aria-invalid/);
  });

  it("announces field errors with a summary alert", async () => {
    const html = await render({ fieldErrors: { email: "register.emailInvalid" } });

    expect(html).toContain('role="alert">Please correct the fields marked below.</p>');
  });

  it("announces a form error in an alert", async () => {
    const html = await render({ formErrorKey: "error.csrf" });

    expect(html).toContain('role="alert">This form has expired. Please try again.</p>');
  });

  it("shows the minimum password length as a hint the field is described by", async () => {
    const html = await render({ passwordMinLength: 12 });

    expect(html).toMatch(
      /<input id="password"[^>]* minlength="12"[^>]* aria-describedby="password-hint"/,
    );
    expect(html).toContain('<p id="password-hint" class="hint">At least 12 characters.</p>');
  });

  it("links back to sign-in", async () => {
    const signIn = '<a href="/realms/demo/protocol/openid-connect/auth?client_id=app">Sign in</a>';
    expect(await render()).toContain(`Already have an account? ${signIn}`);
  });

  it("shows German text when the locale is de", async () => {
    const html = await render({
      t: translator("de"),
      locale: "de",
      fieldErrors: { password: "register.passwordTooLong" },
      fieldParams: { password: { max: "128" } },
    });

    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<label for="firstName">Vorname</label>');
    expect(html).toContain("Verwenden Sie höchstens 128 Zeichen.");
  });
});

describe("RegisterPage: passkeys", () => {
  const passkey = { action: "/realms/demo/login-actions/passkey/registration", optionsUrl: "/o" };

  it("offers a passkey instead of a password, hidden until the script finds WebAuthn", async () => {
    const html = await render({ passkey });

    expect(html).toContain('<section class="passkey" data-passkey-section="true" hidden="">');
    expect(html).toContain('data-passkey="registration"');
    expect(html).toContain("Sign up with a passkey");
    expect(html).not.toContain("data-autofill");
  });

  it("shows a refused passkey's reason above the form", async () => {
    const html = await render({ passkey, formErrorKey: "passkey.alreadyRegistered" });

    expect(html).toContain("This passkey is already registered. Sign in with it instead.");
  });
});
