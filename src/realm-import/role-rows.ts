import { randomId } from "../crypto/random";
import type { groups } from "../db/role-schema";
import { builtInRealmRoles, defaultRoleName, type Memberships, type Role } from "../db/roles";
import { isLeftOutScope } from "./client-scopes";
import { ImportError } from "./import-error";
import type { RealmRepresentation, UserRepresentation } from "./representation";
import type { GroupRepresentation, ScopeMapping } from "./role-representation";

export type GroupRow = typeof groups.$inferInsert & { id: string; path: string };
type Path = PropertyKey[];

/** The rows of a realm's roles, groups and scope mappings, every reference resolved. */
export interface RoleGraph {
  roles: Role[];
  composites: { roleId: string; childRoleId: string }[];
  groups: GroupRow[];
  groupRoles: { groupId: string; roleId: string }[];
  clientScopeRoles: { clientId: string; roleId: string }[];
  clientScopeScopeMappings: { scopeId: string; roleId: string }[];
  /** A user's roles and groups; undefined gives them the realm's defaults. */
  memberships(user: UserRepresentation, index: number): Memberships | undefined;
  defaultRoleId: string;
}

/**
 * Builds the role graph of a realm file: its roles (plus Keycloak's built-in ones it leaves
 * out), composites (no cycles), groups with paths, default groups and scope mappings. Every
 * role, client and group a file names must exist in it, or the import is refused there.
 * A role or group of `existing` whose id is in `overwrite` may be defined again by the file
 * (a partial import's OVERWRITE): it keeps its id and takes the file's values.
 */
export function roleGraph(
  rep: RealmRepresentation,
  realm: { id: string; name: string },
  targets: ScopeMappingTargets,
  existing: ExistingRoleRows = { roles: [], groups: [] },
  overwrite: ReadonlySet<string> = new Set(),
): RoleGraph {
  const clientIds = new Map(targets.clients.map((row) => [row.clientId, row.id]));
  const index = new RoleIndex(realm.id, clientIds, overwrite);
  // A partial import adds to a realm: what it names may already be there.
  for (const role of existing.roles) index.addExisting(role);
  const composites = new Map<string, Set<string>>();

  const fileRoles: [Path, { name: string; composites?: Composites | null }][] = [];
  (rep.roles?.realm ?? []).forEach((entry, i) => {
    index.add(["roles", "realm", i], null, entry.name, entry.description);
    fileRoles.push([["roles", "realm", i], entry]);
  });
  for (const [clientId, list] of Object.entries(rep.roles?.client ?? {})) {
    list.forEach((entry, i) => {
      index.add(["roles", "client", clientId, i], clientId, entry.name, entry.description);
      fileRoles.push([["roles", "client", clientId, i], entry]);
    });
  }

  // Keycloak creates these in every realm; an export carries them, a hand-written file need not.
  for (const role of builtInRealmRoles(realm)) index.addBuiltIn(role);
  const defaultRole = index.realm(defaultRoleName(realm.name), []);
  if (!(rep.roles?.realm ?? []).some((entry) => entry.name === defaultRole.name)) {
    for (const name of ["offline_access", "uma_authorization"]) {
      link(composites, defaultRole.id, index.realm(name, []).id);
    }
  }
  (rep.defaultRoles ?? []).forEach((name, i) => {
    link(composites, defaultRole.id, index.realm(name, ["defaultRoles", i]).id);
  });

  for (const [path, entry] of fileRoles) {
    const parent = index.find(path).id;
    for (const child of index.resolve(entry.composites, [...path, "composites"])) {
      link(composites, parent, child);
    }
  }
  refuseCycles(composites, index);

  const tree = groupTree(rep.groups ?? [], realm.id, index, existing.groups, overwrite);
  (rep.defaultGroups ?? []).forEach((path, i) => {
    const group = tree.byPath.get(path);
    if (!group) throw ImportError.at(["defaultGroups", i], `no group "${path}" in this realm`);
    group.isDefault = true;
  });

  return {
    roles: index.all(),
    composites: [...composites].flatMap(([roleId, children]) =>
      [...children].map((childRoleId) => ({ roleId, childRoleId })),
    ),
    groups: tree.rows,
    groupRoles: tree.roles,
    ...scopeMappings(rep, targets, index),
    memberships(user, i) {
      if (!user.realmRoles && !user.clientRoles && !user.groups) return undefined;
      const roleIds = index.resolve(
        { realm: user.realmRoles, client: user.clientRoles },
        ["users", i],
        ["realmRoles", "clientRoles"],
      );
      const groupIds = (user.groups ?? []).map((path, j) => {
        const group = tree.byPath.get(path);
        if (!group) throw ImportError.at(["users", i, "groups", j], `no group "${path}"`);
        return group.id;
      });
      return { roleIds, groupIds };
    },
    defaultRoleId: defaultRole.id,
  };
}

/** The roles and groups a realm already has, which a partial import's file may name. */
export interface ExistingRoleRows {
  roles: readonly Role[];
  groups: readonly GroupRow[];
}

interface Composites {
  realm?: string[] | null;
  client?: Record<string, string[]> | null;
}

/** The realm's roles by container and name. */
class RoleIndex {
  private readonly roles = new Map<string, Role>();
  private readonly byPath = new Map<string, Role>();
  private readonly defined = new Set<string>();

  constructor(
    private readonly realmId: string,
    private readonly clientIds: Map<string, string>,
    private readonly overwrite: ReadonlySet<string>,
  ) {}

  add(path: Path, clientId: string | null, name: string, description?: string | null) {
    const container = clientId === null ? this.realmId : this.clientRowId(clientId, path);
    const key = `${container}/${name}`;
    const prior = this.roles.get(key);
    if (prior && (!this.overwrite.has(prior.id) || this.defined.has(key))) {
      throw ImportError.at([...path, "name"], `"${name}" is defined twice`);
    }
    this.defined.add(key);
    const role: Role = {
      id: prior?.id ?? randomId(),
      realmId: this.realmId,
      clientId: clientId === null ? null : container,
      containerId: container,
      name,
      description: description ?? null,
    };
    this.roles.set(key, role);
    this.byPath.set(JSON.stringify(path), role);
  }

  /** A role the realm already has. */
  addExisting(role: Role) {
    this.roles.set(`${role.containerId}/${role.name}`, role);
  }

  /** A built-in role, unless the file defines its own of that name. */
  addBuiltIn(role: Role) {
    const key = `${this.realmId}/${role.name}`;
    if (!this.roles.has(key)) this.roles.set(key, role);
  }

  find(path: Path): Role {
    const role = this.byPath.get(JSON.stringify(path));
    if (!role) throw new Error(`no role was added at ${JSON.stringify(path)}`);
    return role;
  }

  realm(name: string, path: Path): Role {
    const role = this.roles.get(`${this.realmId}/${name}`);
    if (!role) throw ImportError.at(path, `no realm role "${name}" in this realm`);
    return role;
  }

  client(clientId: string, name: string, path: Path): Role {
    const role = this.roles.get(`${this.clientRowId(clientId, path)}/${name}`);
    if (!role) throw ImportError.at(path, `no role "${name}" of client "${clientId}"`);
    return role;
  }

  /** The ids of the roles a `{realm, client}` pair names (composites, role mappings). */
  resolve(names: Composites | null | undefined, path: Path, keys = ["realm", "client"]) {
    const [realmKey = "realm", clientKey = "client"] = keys;
    const realm = (names?.realm ?? []).map((name, i) => this.realm(name, [...path, realmKey, i]));
    const client = Object.entries(names?.client ?? {}).flatMap(([clientId, list]) =>
      list.map((name, i) => this.client(clientId, name, [...path, clientKey, clientId, i])),
    );
    return [...new Set([...realm, ...client].map((role) => role.id))];
  }

  all(): Role[] {
    return [...this.roles.values()];
  }

  describe(id: string): string {
    return this.all().find((role) => role.id === id)?.name ?? id;
  }

  private clientRowId(clientId: string, path: Path): string {
    const id = this.clientIds.get(clientId);
    if (!id) throw ImportError.at(path, `no client "${clientId}" in this realm`);
    return id;
  }
}

function link(composites: Map<string, Set<string>>, parent: string, child: string) {
  composites.set(parent, (composites.get(parent) ?? new Set()).add(child));
}

/** Composite roles are expanded transitively; a cycle would make a role contain itself. */
function refuseCycles(composites: Map<string, Set<string>>, index: RoleIndex) {
  const done = new Set<string>();
  const visit = (id: string, trail: string[]) => {
    if (trail.includes(id)) {
      const cycle = [...trail.slice(trail.indexOf(id)), id].map((r) => index.describe(r));
      throw ImportError.at(["roles"], `composite roles form a cycle: ${cycle.join(" → ")}`);
    }
    if (done.has(id)) return;
    for (const child of composites.get(id) ?? []) visit(child, [...trail, id]);
    done.add(id);
  };
  for (const id of composites.keys()) visit(id, []);
}

function groupTree(
  list: readonly GroupRepresentation[],
  realmId: string,
  index: RoleIndex,
  existing: readonly GroupRow[],
  overwrite: ReadonlySet<string>,
) {
  const rows: GroupRow[] = [];
  const defined = new Set<string>();
  const roles: { groupId: string; roleId: string }[] = [];
  const byPath = new Map<string, GroupRow>(existing.map((group) => [group.path, group]));

  const walk = (entries: readonly GroupRepresentation[], parent: GroupRow | null, at: Path) => {
    entries.forEach((entry, i) => {
      const path = [...at, i];
      const groupPath = `${parent?.path ?? ""}/${entry.name}`;
      const prior = byPath.get(groupPath);
      if (prior && (!overwrite.has(prior.id) || defined.has(groupPath))) {
        throw ImportError.at([...path, "name"], `the group "${groupPath}" is defined twice`);
      }
      defined.add(groupPath);
      const row: GroupRow = {
        id: prior?.id ?? randomId(),
        realmId,
        parentId: parent?.id ?? null,
        name: entry.name,
        path: groupPath,
        isDefault: prior?.isDefault ?? false,
      };
      rows.push(row);
      byPath.set(groupPath, row);
      const names = { realm: entry.realmRoles, client: entry.clientRoles };
      for (const roleId of index.resolve(names, path, ["realmRoles", "clientRoles"])) {
        roles.push({ groupId: row.id, roleId });
      }
      walk(entry.subGroups ?? [], row, [...path, "subGroups"]);
    });
  };
  walk(list, null, ["groups"]);
  return { rows, roles, byPath };
}

/** What scope mappings may name: the realm's clients and its client scopes. */
export interface ScopeMappingTargets {
  clients: readonly { id: string; clientId: string }[];
  scopes: readonly { id: string; name: string }[];
}

type ScopeMappingRows = Pick<RoleGraph, "clientScopeRoles" | "clientScopeScopeMappings">;

/**
 * Keycloak's `scopeMappings` (realm roles) and `clientScopeMappings` (client roles), each of
 * a client or of a client scope. Mappings of scopes Latchkey provides in code (offline_access)
 * or leaves out are skipped.
 */
function scopeMappings(
  rep: RealmRepresentation,
  targets: ScopeMappingTargets,
  index: RoleIndex,
): ScopeMappingRows {
  const clientIds = new Map(targets.clients.map((row) => [row.clientId, row.id]));
  const scopeIds = new Map(targets.scopes.map((row) => [row.name, row.id]));
  const rows: ScopeMappingRows = { clientScopeRoles: [], clientScopeScopeMappings: [] };
  const add = (mapping: ScopeMapping, path: Path, role: (name: string, at: Path) => Role) => {
    const roleIds = () => mapping.roles.map((name, j) => role(name, [...path, "roles", j]).id);
    if (mapping.client) {
      const clientId = clientIds.get(mapping.client);
      if (!clientId) {
        throw ImportError.at([...path, "client"], `no client "${mapping.client}" in this realm`);
      }
      for (const roleId of roleIds()) rows.clientScopeRoles.push({ clientId, roleId });
    } else if (mapping.clientScope && !isLeftOutScope(mapping.clientScope, rep.clientScopes)) {
      const scopeId = scopeIds.get(mapping.clientScope);
      if (!scopeId) {
        const message = `no client scope "${mapping.clientScope}" in this realm`;
        throw ImportError.at([...path, "clientScope"], message);
      }
      for (const roleId of roleIds()) rows.clientScopeScopeMappings.push({ scopeId, roleId });
    }
  };
  (rep.scopeMappings ?? []).forEach((mapping, i) => {
    add(mapping, ["scopeMappings", i], (name, at) => index.realm(name, at));
  });
  for (const [source, mappings] of Object.entries(rep.clientScopeMappings ?? {})) {
    mappings.forEach((mapping, i) => {
      add(mapping, ["clientScopeMappings", source, i], (name, at) =>
        index.client(source, name, at),
      );
    });
  }
  return rows;
}
