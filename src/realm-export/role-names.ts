import type { Role } from "../db/roles";

/** Keycloak's `{realm: [...], client: {clientId: [...]}}` naming of a set of roles. */
export interface RoleNames {
  realm: string[];
  client: Record<string, string[]>;
}

/** Names roles by id, as role mappings, composites and group roles list them. */
export class RoleNamer {
  private readonly byId: Map<string, Role>;

  constructor(
    roles: readonly Role[],
    private readonly clientIds: ReadonlyMap<string, string>,
  ) {
    this.byId = new Map(roles.map((role) => [role.id, role]));
  }

  role(id: string): Role | undefined {
    return this.byId.get(id);
  }

  /** The clientId of a client row id. */
  clientId(rowId: string): string {
    return this.clientIds.get(rowId) ?? rowId;
  }

  names(roleIds: Iterable<string>): RoleNames {
    const named: RoleNames = { realm: [], client: {} };
    for (const id of roleIds) {
      const role = this.byId.get(id);
      if (!role) continue;
      if (role.clientId === null) {
        named.realm.push(role.name);
        continue;
      }
      const clientId = this.clientId(role.clientId);
      named.client[clientId] = [...(named.client[clientId] ?? []), role.name];
    }
    named.realm.sort();
    for (const list of Object.values(named.client)) list.sort();
    return named;
  }
}

/** Groups `{key, value}` pairs into a map of lists. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string, value: (row: T) => string) {
  const map = new Map<string, string[]>();
  for (const row of rows) map.set(key(row), [...(map.get(key(row)) ?? []), value(row)]);
  return map;
}
