import { z } from "zod";
import { MAX_PASSWORD_LENGTH, PASSWORD_MIN_LENGTH } from "../crypto/password";
import type { User } from "../db/users";

/**
 * Keycloak's UserRepresentation, for the fields Latchkey keeps. `serviceAccountOf` is the
 * clientId of the client a service account belongs to (Keycloak's `serviceAccountClientId`),
 * when the caller knows it; the row holds the client's internal id, which is not that.
 */
export function userRepresentation(user: User, serviceAccountOf?: string) {
  return {
    id: user.id,
    username: user.username,
    email: user.email ?? undefined,
    firstName: user.firstName ?? undefined,
    lastName: user.lastName ?? undefined,
    emailVerified: user.emailVerified,
    enabled: user.enabled,
    attributes: user.attributes ?? undefined,
    createdTimestamp: user.createdAt * 1000,
    serviceAccountClientId: serviceAccountOf,
    totp: false,
    disableableCredentialTypes: [],
    requiredActions: [],
    notBefore: 0,
  };
}

const name = z.string().max(255);
const attributes = z.record(z.string().min(1).max(255), z.array(z.string().max(2048)).max(100));

/** Keycloak's CredentialRepresentation, as reset-password and user creation take it. */
export const passwordCredential = z
  .object({
    type: z.literal("password"),
    // The same shortest password as sign-up asks of a person.
    value: z.string().min(PASSWORD_MIN_LENGTH).max(MAX_PASSWORD_LENGTH),
    temporary: z.boolean().optional(),
  })
  .refine((value) => !value.temporary, {
    message: "temporary passwords are not supported yet (no required actions)",
    path: ["temporary"],
  });

/** The fields a user may be given or changed; unknown ones are ignored. */
const userFields = {
  email: z.email().max(320).nullish(),
  firstName: name.nullish(),
  lastName: name.nullish(),
  emailVerified: z.boolean().optional(),
  enabled: z.boolean().optional(),
  attributes: attributes.nullish(),
};

const username = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\p{Cc}\s]+$/u, "must not hold spaces or control characters");

/** A UserRepresentation for POST .../users. */
export const newUserRepresentation = z
  .object({
    username: username.optional(),
    ...userFields,
    credentials: z.array(passwordCredential).max(1).optional(),
    groups: z
      .array(z.string())
      .max(0, "joining groups on creation is not supported yet")
      .optional(),
  })
  .refine((value) => value.username || value.email, {
    message: "a user needs a username or an email",
    path: ["username"],
  });

/**
 * A UserRepresentation for PUT .../users/{id}. The username changes only where the realm has
 * editUsernameAllowed, as in Keycloak; the route checks that.
 */
export const userUpdate = z.object({ ...userFields, username: username.optional() });
