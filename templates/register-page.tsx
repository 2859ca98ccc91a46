import type { MessageKey } from "../src/i18n";
import { FormError } from "./form-error";
import { Layout } from "./layout";
import type { PageProps } from "./page-props";
import { PasskeyForm } from "./passkey-form";
import { TextField } from "./text-field";

/** The sign-up form's fields, by the names the route code validates them under. */
export type RegisterField = "email" | "firstName" | "lastName" | "password" | "passwordConfirm";

export interface RegisterPageProps extends PageProps {
  realmName?: string;
  /** Where the form posts to. */
  action: string;
  loginUrl: string;
  csrfToken: string;
  /** What the person entered before; passwords are never shown again. */
  values: { email?: string; firstName?: string; lastName?: string };
  fieldErrors: Partial<Record<RegisterField, MessageKey>>;
  /** Placeholder values for a field's error message, e.g. `{ password: { min: "12" } }`. */
  fieldParams?: Partial<Record<string, Record<string, string>>>;
  formErrorKey?: MessageKey;
  /** The realm's minimum password length, shown as a hint and checked by the browser. */
  passwordMinLength?: number;
  /** The passkey sign-up action and its options endpoint; it reads the fields above. */
  passkey?: { action: string; optionsUrl: string };
}

/** The sign-up form, with Keycloak's field names. */
export function RegisterPage(props: RegisterPageProps) {
  const { t, locale, values, fieldErrors } = props;
  const error = (field: RegisterField) => {
    const key = fieldErrors[field];
    return key && t(key, props.fieldParams?.[field]);
  };
  const hasFieldErrors = Object.values(fieldErrors).some(Boolean);
  const formError = props.formErrorKey ?? (hasFieldErrors ? "form.fixErrors" : undefined);
  const minLength = props.passwordMinLength;

  return (
    <Layout t={t} locale={locale} title={t("register.title")} realmName={props.realmName}>
      <h1>{t("register.title")}</h1>
      <FormError id="register-error" message={formError && t(formError)} />

      <form method="post" action={props.action}>
        <input type="hidden" name="csrf_token" value={props.csrfToken} />
        <TextField
          name="email"
          type="email"
          label={t("register.email")}
          autocomplete="email"
          value={values.email}
          error={error("email")}
          required
          verbatim
        />
        <TextField
          name="firstName"
          label={t("register.firstName")}
          autocomplete="given-name"
          value={values.firstName}
          error={error("firstName")}
          required
        />
        <TextField
          name="lastName"
          label={t("register.lastName")}
          autocomplete="family-name"
          value={values.lastName}
          error={error("lastName")}
          required
        />
        <TextField
          name="password"
          type="password"
          label={t("register.password")}
          autocomplete="new-password"
          hint={minLength ? t("register.passwordHint", { min: String(minLength) }) : undefined}
          minLength={minLength}
          error={error("password")}
          required
          verbatim
        />
        <TextField
          name="password-confirm"
          type="password"
          label={t("register.passwordConfirm")}
          autocomplete="new-password"
          error={error("passwordConfirm")}
          required
          verbatim
        />
        <button type="submit" class="primary">
          {t("register.submit")}
        </button>
      </form>

      {props.passkey && (
        <PasskeyForm t={t} ceremony="registration" csrfToken={props.csrfToken} {...props.passkey} />
      )}

      <p class="alternative">
        {t("register.haveAccount")} <a href={props.loginUrl}>{t("register.signIn")}</a>
      </p>
    </Layout>
  );
}
