import type { RealmConfiguration, RealmUsers } from "./load";
import { passwordCredential } from "./password-hash";
import { groupBy, type RoleNamer } from "./role-names";

/**
 * Keycloak's UserRepresentations of a realm's users: attributes, realm and client role
 * mappings, group paths, the service account link and, only with `withHashes`, the password
 * hash (Keycloak's full export); otherwise no credentials at all.
 */
export function usersRepresentation(
  data: RealmUsers,
  config: RealmConfiguration,
  namer: RoleNamer,
  withHashes: boolean,
) {
  const roleIds = groupBy(
    data.roles,
    (row) => row.userId,
    (row) => row.roleId,
  );
  const groupIds = groupBy(
    data.members,
    (row) => row.userId,
    (row) => row.groupId,
  );
  const paths = new Map(config.groups.map((group) => [group.id, group.path]));
  const passwords = new Map(
    data.credentials
      .filter((credential) => credential.type === "password")
      .map((credential) => [credential.userId, credential.secretData]),
  );

  return data.users.map((user) => {
    const roles = namer.names(roleIds.get(user.id) ?? []);
    const stored = passwords.get(user.id);
    const password = withHashes && stored ? passwordCredential(stored, user.createdAt) : undefined;
    return {
      id: user.id,
      username: user.username,
      email: user.email ?? undefined,
      emailVerified: user.emailVerified,
      firstName: user.firstName ?? undefined,
      lastName: user.lastName ?? undefined,
      attributes: user.attributes ?? undefined,
      enabled: user.enabled,
      createdTimestamp: user.createdAt * 1000,
      serviceAccountClientId: user.serviceAccountClientId
        ? namer.clientId(user.serviceAccountClientId)
        : undefined,
      realmRoles: roles.realm,
      clientRoles: roles.client,
      groups: (groupIds.get(user.id) ?? []).map((id) => paths.get(id) ?? id).sort(),
      credentials: password ? [password] : withHashes ? [] : undefined,
    };
  });
}
