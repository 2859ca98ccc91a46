import type { RealmConfiguration } from "./load";
import { groupBy, type RoleNamer } from "./role-names";

/** Keycloak's RolesRepresentation: realm roles and client roles by clientId, with composites. */
export function rolesRepresentation(config: RealmConfiguration, namer: RoleNamer) {
  const children = groupBy(
    config.composites,
    (row) => row.roleId,
    (row) => row.childRoleId,
  );
  const realm: ReturnType<typeof roleRepresentation>[] = [];
  const client: Record<string, ReturnType<typeof roleRepresentation>[]> = {};
  for (const role of config.roles) {
    const entry = roleRepresentation(role, children.get(role.id), namer);
    if (role.clientId === null) {
      realm.push(entry);
      continue;
    }
    const clientId = namer.clientId(role.clientId);
    client[clientId] = [...(client[clientId] ?? []), entry];
  }
  return { realm, client };
}

function roleRepresentation(
  role: RealmConfiguration["roles"][number],
  children: string[] | undefined,
  namer: RoleNamer,
) {
  const composites = children ? namer.names(children) : undefined;
  return {
    id: role.id,
    name: role.name,
    description: role.description ?? undefined,
    composite: composites !== undefined,
    clientRole: role.clientId !== null,
    containerId: role.containerId,
    composites,
  };
}

interface GroupRepresentation {
  id: string;
  name: string;
  path: string;
  realmRoles: string[];
  clientRoles: Record<string, string[]>;
  subGroups: GroupRepresentation[];
}

/** Keycloak's group tree, each group with its role mappings and subgroups. */
export function groupsRepresentation(config: RealmConfiguration, namer: RoleNamer) {
  const roleIds = groupBy(
    config.groupRoles,
    (row) => row.groupId,
    (row) => row.roleId,
  );
  const entries = new Map<string, GroupRepresentation>();
  for (const group of config.groups) {
    const names = namer.names(roleIds.get(group.id) ?? []);
    entries.set(group.id, {
      id: group.id,
      name: group.name,
      path: group.path,
      realmRoles: names.realm,
      clientRoles: names.client,
      subGroups: [],
    });
  }
  const top: GroupRepresentation[] = [];
  for (const group of config.groups) {
    const entry = entries.get(group.id) as GroupRepresentation;
    const parent = group.parentId === null ? undefined : entries.get(group.parentId);
    (parent ? parent.subGroups : top).push(entry);
  }
  return top;
}

type Owner = { client: string } | { clientScope: string };

/**
 * Keycloak's `scopeMappings` (realm roles a client, or a client scope, lets tokens carry) and
 * `clientScopeMappings` (client roles, by the client that holds them).
 */
export function scopeMappingsRepresentation(config: RealmConfiguration, namer: RoleNamer) {
  const scopeNames = new Map(config.clientScopes.map((row) => [row.id, row.name]));
  const byClient = groupBy(
    config.clientScopeRoles,
    (row) => row.clientId,
    (row) => row.roleId,
  );
  const byScope = groupBy(
    config.clientScopeScopeMappings,
    (row) => row.scopeId,
    (row) => row.roleId,
  );
  const owners: [Owner, string[]][] = [
    ...[...byClient].map(([id, roleIds]): [Owner, string[]] => [
      { client: namer.clientId(id) },
      roleIds,
    ]),
    ...[...byScope].map(([id, roleIds]): [Owner, string[]] => [
      { clientScope: scopeNames.get(id) ?? id },
      roleIds,
    ]),
  ];

  const scopeMappings: (Owner & { roles: string[] })[] = [];
  const clientScopeMappings: Record<string, (Owner & { roles: string[] })[]> = {};
  for (const [owner, roleIds] of owners) {
    const names = namer.names(roleIds);
    if (names.realm.length > 0) scopeMappings.push({ ...owner, roles: names.realm });
    for (const [source, list] of Object.entries(names.client)) {
      clientScopeMappings[source] = [
        ...(clientScopeMappings[source] ?? []),
        { ...owner, roles: list },
      ];
    }
  }
  return { scopeMappings, clientScopeMappings };
}
