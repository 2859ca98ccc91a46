import { ADMIN_ROLES, REALM_MANAGEMENT } from "./permissions";

type Representation = Record<string, unknown>;

/**
 * Adds Keycloak's `realm-management` client and its admin roles (`realm-admin` holding the
 * rest) to a realm representation, as Keycloak gives every realm it creates.
 */
export function withRealmManagement(rep: Representation): Representation {
  const clients = Array.isArray(rep.clients) ? rep.clients : [];
  if (clients.some((client) => client?.clientId === REALM_MANAGEMENT)) return rep;

  const roles = (rep.roles ?? {}) as { realm?: unknown; client?: Record<string, unknown> };
  const others = ADMIN_ROLES.filter((role) => role !== "realm-admin");
  const adminRoles = [
    {
      name: "realm-admin",
      description: "Administers the realm",
      composite: true,
      composites: { client: { [REALM_MANAGEMENT]: others } },
    },
    ...others.map((name) => ({ name })),
  ];
  return {
    ...rep,
    // Like Keycloak's bearer-only client: it holds roles, and no flow is enabled for it.
    clients: [...clients, { clientId: REALM_MANAGEMENT, publicClient: true, enabled: false }],
    roles: { ...roles, client: { ...(roles.client ?? {}), [REALM_MANAGEMENT]: adminRoles } },
  };
}
