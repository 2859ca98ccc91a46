import { z } from "zod";
import type { RegisterField } from "../../templates/register-page";
import { MAX_PASSWORD_LENGTH, PASSWORD_MIN_LENGTH } from "../crypto/password";
import type { Params } from "../http/params";
import type { MessageKey } from "../i18n";

/** NIST SP 800-63B §5.1.1.2: at least 8 characters; long passphrases welcome. */

const message = (key: MessageKey) => ({ message: key });

/**
 * Control characters (Unicode Cc) and the bidirectional overrides and isolates: invisible in a
 * name, they would travel into tokens and pages where they can disguise what a name says.
 */
const INVISIBLE_CONTROLS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

const name = z
  .string(message("register.fieldRequired"))
  .trim()
  .min(1, message("register.fieldRequired"))
  .max(255, message("register.fieldTooLong"))
  .refine((value) => !INVISIBLE_CONTROLS.test(value), message("register.fieldInvalidCharacters"));

/**
 * Beyond the address syntax: no characters that need quoting in the local part, and a domain
 * with at least two labels that is a valid host name, so `a@b` and `<x>@example.com` are refused.
 */
function hasRoutableShape(email: string): boolean {
  const at = email.lastIndexOf("@");
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (/[<>()[\]\\,;:"\s]/.test(local) || !domain.includes(".")) return false;

  try {
    return new URL(`http://${domain}`).hostname.length > 0 && !/[/?#@:%]/.test(domain);
  } catch {
    return false;
  }
}

/** Who the account is for: the fields every sign-up asks, with or without a password. */
const profileFields = {
  email: z
    .string(message("register.fieldRequired"))
    .trim()
    .min(1, message("register.fieldRequired"))
    .max(254, message("register.emailInvalid"))
    // Internationalized addresses (RFC 6531) are valid; the lookup key normalizes them.
    .pipe(z.email({ ...message("register.emailInvalid"), pattern: z.regexes.unicodeEmail }))
    .refine(hasRoutableShape, message("register.emailInvalid")),
  firstName: name,
  lastName: name,
};

/** The sign-up form; each issue's message is the key of the text shown beside its field. */
const registrationForm = z
  .object({
    ...profileFields,
    password: z
      .string(message("register.passwordTooShort"))
      .min(PASSWORD_MIN_LENGTH, message("register.passwordTooShort"))
      .max(MAX_PASSWORD_LENGTH, message("register.passwordTooLong")),
    "password-confirm": z.string().optional(),
  })
  .refine((form) => form.password === form["password-confirm"], {
    ...message("register.passwordMismatch"),
    path: ["passwordConfirm"],
    when: (payload) => payload.issues.length === 0,
  });

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

const fieldParams = {
  password: { min: String(PASSWORD_MIN_LENGTH), max: String(MAX_PASSWORD_LENGTH) },
};

/** Validates the sign-up form, collecting the first message for each field. */
export function checkRegistration(form: Params): RegistrationCheck {
  const result = registrationForm.safeParse(form);
  if (result.success) {
    const { email, firstName, lastName, password } = result.data;
    return { ok: true, registration: { email, firstName, lastName, password } };
  }
  return refused(form, result.error.issues);
}

/** The passkey sign-up form: the same person's details, no password. */
const passkeyRegistrationForm = z.object(profileFields);

export type PasskeyRegistrationCheck =
  | { ok: true; profile: Omit<Registration, "password"> }
  | Extract<RegistrationCheck, { ok: false }>;

/** Validates the details of a passkey sign-up, with the same messages as the form's. */
export function checkPasskeyRegistration(form: Params): PasskeyRegistrationCheck {
  const result = passkeyRegistrationForm.safeParse(form);
  if (result.success) return { ok: true, profile: result.data };
  return refused(form, result.error.issues);
}

function refused(
  form: Params,
  issues: readonly z.core.$ZodIssue[],
): Extract<RegistrationCheck, { ok: false }> {
  const fieldErrors: Partial<Record<RegisterField, MessageKey>> = {};
  for (const issue of issues) {
    const field = String(issue.path[0]) as RegisterField;
    fieldErrors[field] ??= issue.message as MessageKey;
  }
  const values = {
    email: form.email?.trim(),
    firstName: form.firstName?.trim(),
    lastName: form.lastName?.trim(),
  };
  return { ok: false, values, fieldErrors, fieldParams };
}
