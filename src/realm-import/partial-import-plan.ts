import { REALM_MANAGEMENT } from "../admin/permissions";
import { defaultRoleName } from "../db/roles";
import { serviceAccountUsername } from "../db/users";
import { clashingUser, type ExistingResources } from "./existing-resources";
import type { RealmRepresentation } from "./representation";

/** Keycloak's partial import policies for a resource the realm already has. */
export type IfResourceExists = "FAIL" | "SKIP" | "OVERWRITE";

/** Keycloak's PartialImportResult. */
export interface PartialImportResult {
  action: "ADDED" | "SKIPPED" | "OVERWRITTEN";
  resourceType: "USER" | "CLIENT" | "GROUP" | "REALM_ROLE" | "CLIENT_ROLE" | "CLIENT_SCOPE";
  resourceName: string;
  id: string;
}

/** A resource exists and the policy is FAIL: Keycloak's 409. */
export class ResourceExistsError extends Error {}

const isManagement = (clientId: string) => clientId === REALM_MANAGEMENT;

const LABELS: Record<PartialImportResult["resourceType"], string> = {
  USER: "User",
  CLIENT: "Client",
  GROUP: "Group",
  REALM_ROLE: "Realm role",
  CLIENT_ROLE: "Client role",
  CLIENT_SCOPE: "Client scope",
};

/**
 * Splits a file into what the realm lacks (returned, to be added) and what it has (SKIPPED in
 * `skipped`, a ResourceExistsError under FAIL, or kept in `toAdd` and listed in `overwritten`
 * under OVERWRITE). Top-level groups count as one resource with their subgroups, as in
 * Keycloak. Keycloak's built-ins are skipped under every policy.
 */
export function planPartialImport(
  rep: RealmRepresentation,
  realm: { id: string; name: string },
  existing: ExistingResources,
  policy: IfResourceExists,
) {
  const skipped: PartialImportResult[] = [];
  const overwritten: PartialImportResult[] = [];
  // TODO(partial-import-defaults): the default role is skipped whole, so a file's extra
  // default-role composites are not applied (the CLI's export → import loses them), nor
  // `defaultGroups` naming groups the realm had; adding the missing links would close it.
  const builtIns = new Set(["offline_access", "uma_authorization", defaultRoleName(realm.name)]);
  const keep = (
    type: PartialImportResult["resourceType"],
    name: string,
    id?: string,
    builtIn = false,
  ) => {
    if (id === undefined) return true;
    // Every realm has Keycloak's built-ins, so every export names them: they never fail a file.
    if (policy === "FAIL" && !builtIn) {
      throw new ResourceExistsError(`${LABELS[type]} '${name}' already exists`);
    }
    // An empty id is a service account its existing client lacks: nothing to overwrite.
    if (policy === "OVERWRITE" && !builtIn && id !== "") {
      overwritten.push({ action: "OVERWRITTEN", resourceType: type, resourceName: name, id });
      return true;
    }
    skipped.push({ action: "SKIPPED", resourceType: type, resourceName: name, id });
    return false;
  };
  const clientIds = new Map(existing.clients.map((client) => [client.clientId, client.id]));
  const roleIds = new Map(
    existing.roles.map((role) => [`${role.containerId}/${role.name}`, role.id]),
  );
  const roleId = (containerId: string | undefined, name: string) =>
    roleIds.get(`${containerId}/${name}`);
  const scopeIds = new Map(existing.clientScopes.map((scope) => [scope.name, scope.id]));
  const groupIds = new Map(existing.groups.map((group) => [group.path, group.id]));

  const clientScopes = (rep.clientScopes ?? []).filter(
    (scope) => scope.skipped || keep("CLIENT_SCOPE", scope.name, scopeIds.get(scope.name)),
  );
  const clients = (rep.clients ?? []).filter((client) =>
    keep("CLIENT", client.clientId, clientIds.get(client.clientId), isManagement(client.clientId)),
  );
  const realmRoles = (rep.roles?.realm ?? []).filter((role) =>
    keep("REALM_ROLE", role.name, roleId(realm.id, role.name), builtIns.has(role.name)),
  );
  const clientRoles = Object.fromEntries(
    Object.entries(rep.roles?.client ?? {}).map(([clientId, list]) => [
      clientId,
      list.filter((role) =>
        keep(
          "CLIENT_ROLE",
          role.name,
          roleId(clientIds.get(clientId), role.name),
          isManagement(clientId),
        ),
      ),
    ]),
  );
  const groups = (rep.groups ?? []).filter((group) =>
    keep("GROUP", group.name, groupIds.get(`/${group.name}`)),
  );
  const users = (rep.users ?? []).filter((user) => {
    const name = user.username ?? user.email ?? "";
    // A service account comes with its client; the client's is there when the client is.
    const clientId = user.serviceAccountClientId;
    if (clientId && clientIds.has(clientId)) {
      return keep("USER", serviceAccountUsername(clientId), clashingUser(existing, user)?.id ?? "");
    }
    return keep("USER", name, clashingUser(existing, user)?.id);
  });

  const toAdd: RealmRepresentation = {
    realm: rep.realm,
    clientScopes,
    clients,
    roles: { realm: realmRoles, client: clientRoles },
    groups,
    users,
    // Applied to the groups added (roleGraph marks them); the realm's own are left as they are.
    defaultGroups: rep.defaultGroups,
    scopeMappings: rep.scopeMappings,
    clientScopeMappings: rep.clientScopeMappings,
  };
  return { toAdd, skipped, overwritten };
}
