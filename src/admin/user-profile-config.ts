import safeRegex from "safe-regex2";
import { z } from "zod";

/**
 * Keycloak's declared user profile (UPConfig), for the parts Latchkey enforces: attributes with
 * validations, admin/user permissions and required roles, groups kept as given, and the policy
 * for attributes the profile does not declare.
 */

const who = z.enum(["admin", "user"]);
const bound = z.union([z.int(), z.string().regex(/^\d+$/).transform(Number)]);

/** The validators Latchkey applies, with their config; any other name is refused. */
const validators = {
  length: z.object({ min: bound.optional(), max: bound.optional() }),
  pattern: z.object({
    pattern: z
      .string()
      .min(1)
      .max(500)
      .refine((value) => {
        try {
          new RegExp(value, "u");
          return true;
        } catch {
          return false;
        }
      }, "is not a valid regular expression")
      // Nested quantifiers such as (a+)+ take exponential time on some values: one admin
      // setting must not let a sign-up stall the worker. safe-regex2's star-height check.
      .refine((value) => safeRegex(value), "has nested quantifiers that can take exponential time"),
    "error-message": z.string().max(255).optional(),
  }),
  email: z.object({ "max-local-length": bound.optional() }),
  options: z.object({ options: z.array(z.string().max(255)).min(1).max(200) }),
  integer: z.object({ min: bound.optional(), max: bound.optional() }),
  "person-name-prohibited-characters": z.object({}),
  "username-prohibited-characters": z.object({}),
  "up-username-not-idn-homograph": z.object({}),
} as const;

export type ValidatorName = keyof typeof validators;

const validations = z
  .record(z.string(), z.unknown())
  .superRefine((entries, ctx) => {
    for (const [name, config] of Object.entries(entries)) {
      const schema = validators[name as ValidatorName];
      if (!schema) {
        const known = Object.keys(validators).join(", ");
        ctx.addIssue({ code: "custom", path: [name], message: `unknown validator; use ${known}` });
        continue;
      }
      const result = schema.safeParse(config ?? {});
      for (const issue of result.success ? [] : result.error.issues) {
        ctx.addIssue({ code: "custom", path: [name, ...issue.path], message: issue.message });
      }
    }
  })
  .transform((entries) => entries as Partial<Record<ValidatorName, Record<string, unknown>>>);

const attribute = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, "must be letters, digits, dots, dashes or underscores"),
  displayName: z.string().max(255).optional(),
  validations: validations.optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
  required: z
    .object({ roles: z.array(who).optional(), scopes: z.array(z.string()).optional() })
    .optional(),
  permissions: z
    .object({ view: z.array(who).default([]), edit: z.array(who).default([]) })
    .optional(),
  multivalued: z.boolean().optional(),
  group: z.string().max(255).nullish(),
  /** Kept and answered; the admin API applies every attribute whatever its scopes, as Keycloak. */
  selector: z.object({ scopes: z.array(z.string().max(255)).max(50).optional() }).optional(),
  defaultValue: z.string().max(2048).optional(),
});

export type ProfileAttribute = z.infer<typeof attribute>;

/** Keycloak's UPConfig as PUT takes it. */
export const userProfileConfig = z
  .object({
    attributes: z.array(attribute).max(200),
    groups: z.array(z.record(z.string(), z.unknown())).max(50).optional(),
    unmanagedAttributePolicy: z.enum(["ENABLED", "ADMIN_VIEW", "ADMIN_EDIT"]).optional(),
  })
  .superRefine((config, ctx) => {
    const names = config.attributes.map((entry) => entry.name);
    for (const needed of ["username", "email"]) {
      if (!names.includes(needed)) {
        ctx.addIssue({ code: "custom", path: ["attributes"], message: `must declare ${needed}` });
      }
    }
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) {
        const message = `"${name}" is declared twice`;
        ctx.addIssue({ code: "custom", path: ["attributes", index, "name"], message });
      }
    });
  });

export type UserProfileConfig = z.infer<typeof userProfileConfig>;

const both: ("admin" | "user")[] = ["admin", "user"];

/** Keycloak's reference to a message key, e.g. `${email}`, resolved by the console. */
const message = (key: string) => `\${${key}}`;
const permissions = { view: both, edit: both };

/**
 * Latchkey's default profile: the rules user representations always had (no minimum username
 * length, any attribute kept), written as a UPConfig. Keycloak's own default is stricter.
 */
export const DEFAULT_USER_PROFILE: UserProfileConfig = {
  attributes: [
    {
      name: "username",
      displayName: message("username"),
      validations: { length: { max: 255 } },
      permissions,
    },
    {
      name: "email",
      displayName: message("email"),
      validations: { email: {}, length: { max: 320 } },
      permissions,
    },
    {
      name: "firstName",
      displayName: message("firstName"),
      validations: { length: { max: 255 } },
      permissions,
    },
    {
      name: "lastName",
      displayName: message("lastName"),
      validations: { length: { max: 255 } },
      permissions,
    },
  ],
  groups: [{ name: "user-metadata", displayHeader: "User metadata" }],
  unmanagedAttributePolicy: "ENABLED",
};

/** A realm's profile: its stored UPConfig (validated when it was stored), or the default. */
export function realmUserProfile(stored: Record<string, unknown> | null): UserProfileConfig {
  if (!stored) return DEFAULT_USER_PROFILE;
  const parsed = userProfileConfig.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_USER_PROFILE;
}
