import type { MessageKey } from "../src/i18n";
import { FormError } from "./form-error";
import { Layout } from "./layout";
import type { PageProps } from "./page-props";
import { PasskeyForm } from "./passkey-form";
import { TextField } from "./text-field";

export interface LoginPageProps extends PageProps {
  realmName?: string;
  /** Where the form posts to. */
  action: string;
  /** The sign-up page, when the realm allows registration. */
  registerUrl?: string;
  csrfToken: string;
  /** The email or username entered before, shown again after a failed attempt. */
  login?: string;
  errorKey?: MessageKey;
  /** The passkey sign-in action and its options endpoint. */
  passkey?: { action: string; optionsUrl: string };
}

/** The sign-in form: email or username and password. */
export function LoginPage(props: LoginPageProps) {
  const { t, locale, errorKey } = props;
  const errorId = errorKey ? "login-error" : undefined;

  return (
    <Layout t={t} locale={locale} title={t("login.title")} realmName={props.realmName}>
      <h1>{t("login.title")}</h1>
      <FormError id="login-error" message={errorKey && t(errorKey)} />

      <form method="post" action={props.action}>
        <input type="hidden" name="csrf_token" value={props.csrfToken} />
        <TextField
          name="username"
          label={t("login.username")}
          autocomplete="username webauthn"
          value={props.login}
          describedBy={errorId}
          required
          verbatim
          autofocus={!props.login}
        />
        <TextField
          name="password"
          type="password"
          label={t("login.password")}
          autocomplete="current-password"
          describedBy={errorId}
          required
          verbatim
          autofocus={Boolean(props.login)}
        />
        <button type="submit" class="primary">
          {t("login.submit")}
        </button>
      </form>

      {props.passkey && (
        <PasskeyForm
          t={t}
          ceremony="authentication"
          csrfToken={props.csrfToken}
          // After a refusal, autofill waits for the person: it must not offer the same again.
          autofill={!errorKey}
          {...props.passkey}
        />
      )}

      {props.registerUrl && (
        <p class="alternative">
          {t("login.noAccount")} <a href={props.registerUrl}>{t("login.register")}</a>
        </p>
      )}
    </Layout>
  );
}
