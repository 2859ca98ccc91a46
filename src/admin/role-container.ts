import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import { roleComposites, roles } from "../db/role-schema";
import type { Role } from "../db/roles";
import { AdminError } from "./errors";
import type { AdminRole } from "./permissions";
import { readBody } from "./validate";

/**
 * What holds a set of roles: the realm (realm roles) or one client (client roles). The same
 * routes serve both, guarded and audited as the container says.
 */
export interface RoleContainer {
  /** The realm's id, or the client's row id: `roles.containerId`. */
  id: string;
  /** The client's row id for client roles; null for realm roles. */
  clientRowId: string | null;
  view: AdminRole;
  manage: AdminRole;
  resourceType: "REALM_ROLE" | "CLIENT_ROLE";
  /** Where the container's roles are, below `/admin/realms/{realm}/`. */
  path: string;
}

/** The realm's own roles. */
export function realmContainer(c: Context<AppEnv>): RoleContainer {
  const realm = c.var.realm;
  return {
    id: realm.id,
    clientRowId: null,
    view: "view-realm",
    manage: "manage-realm",
    resourceType: "REALM_ROLE",
    path: "roles",
  };
}

/** The roles of one client (by its row id). */
export function clientContainer(clientRowId: string): RoleContainer {
  return {
    id: clientRowId,
    clientRowId,
    view: "view-clients",
    manage: "manage-clients",
    resourceType: "CLIENT_ROLE",
    path: `clients/${clientRowId}/roles`,
  };
}

/** The container a role belongs to. */
export function containerOf(c: Context<AppEnv>, role: Role): RoleContainer {
  return role.clientId === null ? realmContainer(c) : clientContainer(role.clientId);
}

/** The condition for the roles of a container, in the path's realm. */
export function inContainer(c: Context<AppEnv>, container: RoleContainer) {
  return and(
    eq(roles.realmId, c.var.realm.id),
    container.clientRowId === null
      ? isNull(roles.clientId)
      : eq(roles.clientId, container.clientRowId),
  );
}

/** Keycloak's RoleRepresentation. */
export async function roleRepresentations(c: Context<AppEnv>, rows: Role[]) {
  const ids = rows.map((row) => row.id);
  const composite =
    ids.length === 0
      ? []
      : await c.var.db
          .selectDistinct({ id: roleComposites.roleId })
          .from(roleComposites)
          .where(inArray(roleComposites.roleId, ids));
  const composites = new Set(composite.map((row) => row.id));
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description ?? undefined,
    composite: composites.has(row.id),
    clientRole: row.clientId !== null,
    containerId: row.containerId,
  }));
}

/** Role references in a body, as keycloak-admin-client sends them: id and/or name. */
const roleReferences = z
  .array(z.object({ id: z.string().optional(), name: z.string().optional() }))
  .max(1000);

/**
 * The roles a body names, each by id or else by name; any unknown one is a 404, as in
 * Keycloak. Names are looked up in `container`; ids too, unless `anyById` lets an id name any
 * role of the realm (as a composite's members may be).
 */
export async function namedRoles(
  c: Context<AppEnv>,
  container: RoleContainer,
  anyById = false,
): Promise<Role[]> {
  const references = await readBody(c, roleReferences);
  const ids = references.flatMap((reference) => (reference.id ? [reference.id] : []));
  const [own, byId] = await c.var.db.batch([
    c.var.db.select().from(roles).where(inContainer(c, container)),
    c.var.db
      .select()
      .from(roles)
      .where(and(eq(roles.realmId, c.var.realm.id), inArray(roles.id, ids))),
  ]);
  return references.map((reference) => {
    const pool = reference.id && anyById ? byId : own;
    const role = pool.find((row) =>
      reference.id ? row.id === reference.id : row.name === reference.name,
    );
    if (!role) throw AdminError.notFound("Role not found");
    return role;
  });
}

/** The realm roles a body names. */
export function namedRealmRoles(c: Context<AppEnv>): Promise<Role[]> {
  return namedRoles(c, realmContainer(c));
}
