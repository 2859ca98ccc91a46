import type { RegisterField } from "../../templates/register-page";
import type { Params } from "../http/params";
import type { MessageKey } from "../i18n";

/** NIST SP 800-63B §5.1.1.2: at least 8 characters; long passphrases welcome. */
export const PASSWORD_MIN_LENGTH = 8;
/** Bounded so hashing cost stays bounded; matches the password hasher's cap. */
export const PASSWORD_MAX_LENGTH = 1024;

// A pragmatic address check: one @, no spaces, a dot in the domain. Deliverability is proven
// by email verification, not by a pattern.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Registration {
  email: string;
  firstName: string;
  lastName: string;
  password: string;
}

export type RegistrationCheck =
  | { ok: true; registration: Registration }
  | {
      ok: false;
      values: { email?: string; firstName?: string; lastName?: string };
      fieldErrors: Partial<Record<RegisterField, MessageKey>>;
      fieldParams: Partial<Record<string, Record<string, string>>>;
    };

/** Validates the sign-up form, collecting one message per field. */
export function checkRegistration(form: Params): RegistrationCheck {
  const email = (form.email ?? "").trim();
  const firstName = (form.firstName ?? "").trim();
  const lastName = (form.lastName ?? "").trim();
  const password = form.password ?? "";
  const fieldErrors: Partial<Record<RegisterField, MessageKey>> = {};
  const fieldParams: Partial<Record<string, Record<string, string>>> = {};

  if (!email) fieldErrors.email = "register.fieldRequired";
  else if (email.length > 254 || !EMAIL.test(email)) fieldErrors.email = "register.emailInvalid";

  if (!firstName) fieldErrors.firstName = "register.fieldRequired";
  else if (firstName.length > 255) fieldErrors.firstName = "register.fieldTooLong";

  if (!lastName) fieldErrors.lastName = "register.fieldRequired";
  else if (lastName.length > 255) fieldErrors.lastName = "register.fieldTooLong";

  if (password.length < PASSWORD_MIN_LENGTH) {
    fieldErrors.password = "register.passwordTooShort";
    fieldParams.password = { min: String(PASSWORD_MIN_LENGTH) };
  } else if (password.length > PASSWORD_MAX_LENGTH) {
    fieldErrors.password = "register.passwordTooLong";
    fieldParams.password = { max: String(PASSWORD_MAX_LENGTH) };
  } else if (password !== form["password-confirm"]) {
    fieldErrors.passwordConfirm = "register.passwordMismatch";
  }

  if (Object.keys(fieldErrors).length > 0) {
    return { ok: false, values: { email, firstName, lastName }, fieldErrors, fieldParams };
  }
  return { ok: true, registration: { email, firstName, lastName, password } };
}
