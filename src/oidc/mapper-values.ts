import type { Database } from "../db/client";
import type { ProtocolMapper } from "../db/client-scopes";
import type { Client } from "../db/clients";
import type { EffectiveRoles } from "../db/roles";
import { directGroups, type UserGroup } from "../db/user-groups";
import type { User } from "../db/users";
import { rolesFor } from "./token/role-claims";

/** Who a token speaks for, as far as the protocol mappers read it. */
export interface MapperSubject {
  user: User;
  /** Effective roles for the token's client (its role scope applied); none when absent. */
  roles?: EffectiveRoles;
  /** Direct group memberships; a group membership mapper adds nothing when absent. */
  groups?: readonly UserGroup[];
}

/** One claim a mapper sets: its `claim.name` and its values before `jsonType.label`. */
export interface MappedClaim {
  name: string;
  values: string[];
}

/** Keycloak's user properties (`user.attribute` of the user property mapper). */
const USER_PROPERTIES = {
  id: (user: User) => user.id,
  username: (user: User) => user.username,
  email: (user: User) => user.email,
  firstName: (user: User) => user.firstName,
  lastName: (user: User) => user.lastName,
  emailVerified: (user: User) => String(user.emailVerified),
  enabled: (user: User) => String(user.enabled),
} satisfies Record<string, (user: User) => string | null>;

export const USER_PROPERTY_NAMES = Object.keys(USER_PROPERTIES);

function userProperty(user: User, property: string | undefined): string[] {
  const read = USER_PROPERTIES[property as keyof typeof USER_PROPERTIES];
  const value = read?.(user);
  return value === undefined || value === null ? [] : [value];
}

/** Keycloak's placeholder for the role's client in a client role mapper's claim name. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Keycloak's literal placeholder
const CLIENT_ID_PLACEHOLDER = "${client_id}";

/** Keycloak's client role mapper: per client, `${client_id}` in the claim name replaced. */
function clientRoleClaims(config: Record<string, string>, roles: EffectiveRoles): MappedClaim[] {
  const only = config["usermodel.clientRoleMapping.clientId"];
  const prefix = config["usermodel.clientRoleMapping.rolePrefix"] ?? "";
  const name = config["claim.name"] ?? "";
  return Object.entries(roles.clients)
    .filter(([clientId]) => !only || clientId === only)
    .map(([clientId, names]) => ({
      name: name.replaceAll(CLIENT_ID_PLACEHOLDER, clientId),
      values: names.map((role) => prefix + role),
    }));
}

/** The claims one mapper (audience mappers aside) sets for this subject. */
export function mappedClaims(mapper: ProtocolMapper, subject: MapperSubject): MappedClaim[] {
  const { config } = mapper;
  const name = config["claim.name"] ?? "";
  const one = (values: string[]) => [{ name, values }];
  switch (mapper.type) {
    case "oidc-hardcoded-claim-mapper":
      return one([config["claim.value"] ?? ""]);
    // TODO(user-profile): the admin API checks attributes against the realm's declared profile
    // (`/users/profile`), but realm import, sign-up and the account console do not, so a stored
    // attribute the profile does not declare still maps. Checking those writes would close it.
    case "oidc-usermodel-attribute-mapper":
      return one(subject.user.attributes?.[config["user.attribute"] ?? ""] ?? []);
    case "oidc-usermodel-property-mapper":
      return one(userProperty(subject.user, config["user.attribute"]));
    case "oidc-group-membership-mapper": {
      const fullPath = config["full.path"] === "true";
      return one((subject.groups ?? []).map((group) => (fullPath ? group.path : group.name)));
    }
    case "oidc-usermodel-realm-role-mapper": {
      const prefix = config["usermodel.realmRoleMapping.rolePrefix"] ?? "";
      return one((subject.roles?.realm ?? []).map((role) => prefix + role));
    }
    case "oidc-usermodel-client-role-mapper":
      return subject.roles ? clientRoleClaims(config, subject.roles) : [];
    default:
      return [];
  }
}

/** The user's direct groups when a group membership mapper applies; no read otherwise. */
export async function groupsForMappers(
  db: Database,
  userId: string,
  mappers: readonly ProtocolMapper[] | undefined,
): Promise<UserGroup[] | undefined> {
  const wanted = (mappers ?? []).some((m) => m.type === "oidc-group-membership-mapper");
  return wanted ? directGroups(db, userId) : undefined;
}

const ROLE_MAPPERS = new Set([
  "oidc-usermodel-realm-role-mapper",
  "oidc-usermodel-client-role-mapper",
]);

/**
 * The subject for mappers outside the token endpoint (UserInfo, front-channel ID tokens,
 * introspection): roles and groups read only when a mapper needs them.
 */
export async function mapperSubject(
  db: Database,
  client: Client,
  user: User,
  scope: string,
  mappers: readonly ProtocolMapper[],
): Promise<MapperSubject> {
  const needsRoles = mappers.some((mapper) => ROLE_MAPPERS.has(mapper.type));
  const [roles, groups] = await Promise.all([
    needsRoles ? rolesFor(db, client, user, scope) : undefined,
    groupsForMappers(db, user.id, mappers),
  ]);
  return { user, roles, groups };
}
