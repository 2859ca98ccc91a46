import { z } from "zod";

/**
 * Keycloak's role, group and scope-mapping representations, as far as Latchkey imports them.
 * References between them (a composite naming a role, a user naming a group) are checked when
 * the rows are built, where every name is known.
 */

const roleName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\p{Cc}]+$/u, "must not hold control characters");
const roleNames = z.array(roleName).max(1000);
/** Client roles by clientId, as in `clientRoles` and `composites.client`. */
const clientRoleNames = z.record(z.string(), roleNames);

const role = z.object({
  name: roleName,
  description: z.string().max(255).nullish(),
  composite: z.boolean().nullish(),
  composites: z.object({ realm: roleNames.nullish(), client: clientRoleNames.nullish() }).nullish(),
});

export const rolesRepresentation = z.object({
  realm: z.array(role).max(10_000).nullish(),
  client: z.record(z.string(), z.array(role).max(10_000)).nullish(),
});

export interface GroupRepresentation {
  name: string;
  realmRoles?: string[] | null;
  clientRoles?: Record<string, string[]> | null;
  subGroups?: GroupRepresentation[] | null;
}

export const groupRepresentation: z.ZodType<GroupRepresentation> = z.lazy(() =>
  z.object({
    name: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^/\p{Cc}]+$/u, "must not hold '/' or control characters"),
    realmRoles: roleNames.nullish(),
    clientRoles: clientRoleNames.nullish(),
    subGroups: z.array(groupRepresentation).max(1000).nullish(),
  }),
);

/**
 * A scope mapping: the roles a client, or a client scope that applies to its tokens, lets a
 * client without the full scope put in its tokens.
 */
const scopeMapping = z.object({
  client: z.string().nullish(),
  clientScope: z.string().nullish(),
  roles: roleNames,
});

/** The realm-level fields about roles and groups. */
export const roleFields = {
  roles: rolesRepresentation.nullish(),
  groups: z.array(groupRepresentation).max(10_000).nullish(),
  /** Paths of the groups every new user joins, e.g. `/customers`. */
  defaultGroups: z.array(z.string()).nullish(),
  /** Before Keycloak 13: names of realm roles every new user gets. */
  defaultRoles: roleNames.nullish(),
  scopeMappings: z.array(scopeMapping).nullish(),
  clientScopeMappings: z.record(z.string(), z.array(scopeMapping)).nullish(),
};

/** A user's role mappings and groups (group paths). */
export const userRoleFields = {
  realmRoles: roleNames.nullish(),
  clientRoles: clientRoleNames.nullish(),
  groups: z.array(z.string()).max(1000).nullish(),
};

export type RolesRepresentation = z.infer<typeof rolesRepresentation>;
export type ScopeMapping = z.infer<typeof scopeMapping>;
