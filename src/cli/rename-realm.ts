type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * A realm file under another name. Keycloak names each realm's default role after the realm
 * (`default-roles-<realm>`), so that role and every mention of it follow the new name.
 */
export function renameRealm(rep: Json, name: string): Json {
  const from = `default-roles-${String(rep.realm ?? "").toLowerCase()}`;
  const to = `default-roles-${name.toLowerCase()}`;
  const rename = (names: unknown) =>
    Array.isArray(names) ? names.map((entry) => (entry === from ? to : entry)) : names;
  const copy = structuredClone(rep);
  copy.realm = name;
  copy.id = name;

  const roles = isObject(copy.roles) ? copy.roles : {};
  for (const role of list(roles.realm).filter(isObject)) {
    if (role.name === from) role.name = to;
  }
  const allRoles = [
    ...list(roles.realm),
    ...Object.values(isObject(roles.client) ? roles.client : {}).flatMap(list),
  ].filter(isObject);
  for (const role of allRoles) {
    if (isObject(role.composites)) role.composites.realm = rename(role.composites.realm);
  }
  for (const user of list(copy.users).filter(isObject)) user.realmRoles = rename(user.realmRoles);
  const groups = [...list(copy.groups)];
  while (groups.length > 0) {
    const group = groups.pop();
    if (!isObject(group)) continue;
    group.realmRoles = rename(group.realmRoles);
    groups.push(...list(group.subGroups));
  }
  for (const mapping of list(copy.scopeMappings).filter(isObject)) {
    mapping.roles = rename(mapping.roles);
  }
  return copy;
}
