import { AdminError } from "./errors";
import { adminMayEdit } from "./user-profile-access";
import type { ProfileAttribute, UserProfileConfig } from "./user-profile-config";

/** A user as the profile sees it: the root attributes and the others, each a list of values. */
export interface ProfileUser {
  username: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  attributes: Record<string, string[]>;
}

const ROOT = ["username", "email", "firstName", "lastName"] as const;

// Keycloak's person-name rule refuses markup and shell characters in names.
const PERSON_NAME_PROHIBITED = /[<>&"$%!#?§;*~/\\|^=[\]{}()\p{Cc}]/u;
const USERNAME_ALLOWED = /^[\p{L}\p{M}\p{N}._@+-]+$/u;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function valuesOf(user: ProfileUser, name: string): string[] {
  if ((ROOT as readonly string[]).includes(name)) {
    const value = user[name as (typeof ROOT)[number]];
    return value ? [value] : [];
  }
  return (user.attributes[name] ?? []).filter((value) => value !== "");
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function number(config: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = config?.[key];
  return typeof value === "number" ? value : undefined;
}

/** Applies one validator to one value; the first failure is Keycloak's field error. */
function checkValue(
  name: string,
  validator: string,
  config: Record<string, unknown>,
  value: string,
) {
  const fail = (message: string, ...params: string[]) => {
    throw AdminError.fieldError(name, message, [name, ...params]);
  };
  const [min, max] = [number(config, "min"), number(config, "max")];
  switch (validator) {
    case "length":
      if ((min !== undefined && value.length < min) || (max !== undefined && value.length > max)) {
        if (min !== undefined && max !== undefined)
          fail("error-invalid-length", `${min}`, `${max}`);
        if (min !== undefined) fail("error-invalid-length-too-short", `${min}`);
        fail("error-invalid-length-too-long", `${max}`);
      }
      return;
    // TODO(user-profile): patterns with nested quantifiers are refused when stored
    // (user-profile-config.ts), but that check is a heuristic: an alternation such as (a|aa)+
    // passes it and still backtracks. A linear-time engine would close it.
    case "pattern": {
      const pattern = String(config.pattern);
      if (!new RegExp(pattern, "u").test(value)) {
        fail(String(config["error-message"] ?? "error-pattern-no-match"), pattern);
      }
      return;
    }
    case "email": {
      const localMax = number(config, "max-local-length") ?? 64;
      if (!EMAIL.test(value) || value.indexOf("@") > localMax) fail("error-invalid-email");
      return;
    }
    case "options":
      if (!(config.options as string[]).includes(value)) fail("error-invalid-value");
      return;
    case "integer": {
      if (!/^-?\d{1,15}$/.test(value)) fail("error-invalid-number");
      const parsed = Number(value);
      if ((min !== undefined && parsed < min) || (max !== undefined && parsed > max)) {
        fail("error-number-out-of-range", `${min ?? ""}`, `${max ?? ""}`);
      }
      return;
    }
    case "person-name-prohibited-characters":
      if (PERSON_NAME_PROHIBITED.test(value)) fail("error-person-name-invalid-character");
      return;
    case "username-prohibited-characters":
      if (!USERNAME_ALLOWED.test(value)) fail("error-username-invalid-character");
      return;
    // Close to Keycloak's homograph check: a username must read the same after NFKC.
    case "up-username-not-idn-homograph":
      if (value.normalize("NFKC") !== value) fail("error-username-invalid-character");
      return;
  }
}

function checkAttribute(
  profile: UserProfileConfig,
  attribute: ProfileAttribute,
  next: string[],
  previous: string[],
) {
  const { name } = attribute;
  if (!adminMayEdit(profile, name) && !same(next, previous)) {
    throw AdminError.fieldError(name, "error-user-attribute-read-only");
  }
  const roles = attribute.required?.roles;
  const required = attribute.required && (!roles?.length || roles.includes("admin"));
  if (required && next.length === 0) {
    throw AdminError.fieldError(name, "error-user-attribute-required");
  }
  for (const [validator, config] of Object.entries(attribute.validations ?? {})) {
    for (const value of next) checkValue(name, validator, config ?? {}, value);
  }
}

/**
 * Checks a user an administrator creates or changes against the realm's declared profile:
 * permissions, required attributes, each value's validators, and the policy for attributes the
 * profile does not declare. Throws Keycloak's field error for the first problem.
 */
export function checkUserProfile(
  profile: UserProfileConfig,
  next: ProfileUser,
  previous?: ProfileUser,
): void {
  const before = (name: string) => (previous ? valuesOf(previous, name) : []);
  for (const attribute of profile.attributes) {
    checkAttribute(profile, attribute, valuesOf(next, attribute.name), before(attribute.name));
  }

  const isDeclared = new Set(profile.attributes.map((attribute) => attribute.name));
  const names = new Set([
    ...Object.keys(next.attributes),
    ...Object.keys(previous?.attributes ?? {}),
  ]);
  for (const name of names) {
    if (isDeclared.has(name) || adminMayEdit(profile, name)) continue;
    if (same(valuesOf(next, name), before(name))) continue;
    throw AdminError.fieldError(name, "error-user-attribute-read-only");
  }
}
