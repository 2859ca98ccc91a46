import { and, eq, inArray, sql } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import { randomId } from "../crypto/random";
import { roleComposites, roles, userRoles } from "../db/role-schema";
import { defaultRoleName, type Role } from "../db/roles";
import { users } from "../db/schema";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { AdminError } from "./errors";
import {
  containerOf,
  inContainer,
  namedRoles,
  type RoleContainer,
  realmContainer,
  roleRepresentations,
} from "./role-container";
import { userRepresentation } from "./user-representation";
import { paging, readBody } from "./validate";

const newRole = z.object({
  name: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\p{Cc}]+$/u, "must not hold control characters"),
  description: z.string().max(255).nullish(),
});

/** Finds the role a path names, with the container it belongs to. */
type RoleLoader = (c: Context<AppEnv>) => Promise<{ role: Role; container: RoleContainer }>;

/** Whether `descendant` reaches `ancestor` through composites (so linking would loop). */
async function reaches(c: Context<AppEnv>, from: string, target: string): Promise<boolean> {
  const rows = await c.var.db.all<{ id: string }>(sql`
    WITH RECURSIVE below(id) AS (
      SELECT ${from} UNION SELECT rc.child_role_id FROM ${roleComposites} rc
        JOIN below ON rc.role_id = below.id
    ) SELECT id FROM below WHERE id = ${target}`);
  return rows.length > 0;
}

/** Routes on one role, mounted under `roles/{name}`, `roles-by-id/{id}` and a client's roles. */
function oneRole(load: RoleLoader) {
  const routes = new Hono<AppEnv>();
  const byId = (role: Role) => `roles-by-id/${role.id}`;

  routes.get("/", async (c) => {
    const { role, container } = await load(c);
    requireRole(c, c.var.realm.name, container.view);
    const [rep] = await roleRepresentations(c, [role]);
    return c.json(rep);
  });

  routes.put("/", async (c) => {
    const { role, container } = await load(c);
    requireRole(c, c.var.realm.name, container.manage);
    const body = await readBody(c, newRole.partial());
    if (body.name !== undefined && body.name !== role.name && isDefaultRole(c, role)) {
      throw AdminError.badRequest("The realm's default role cannot be renamed");
    }
    const changes = { name: body.name ?? role.name, description: body.description ?? null };
    try {
      await c.var.db.update(roles).set(changes).where(eq(roles.id, role.id));
    } catch {
      throw AdminError.conflict(`Role with name ${changes.name} already exists`);
    }
    auditChange(c, "UPDATE", container.resourceType, byId(role), changes);
    return c.body(null, 204);
  });

  routes.delete("/", async (c) => {
    const { role, container } = await load(c);
    requireRole(c, c.var.realm.name, container.manage);
    if (isDefaultRole(c, role)) {
      throw AdminError.badRequest("The realm's default role cannot be deleted");
    }
    await c.var.db.delete(roles).where(eq(roles.id, role.id));
    auditChange(c, "DELETE", container.resourceType, byId(role));
    return c.body(null, 204);
  });

  routes.get("/composites", async (c) => {
    const { role, container } = await load(c);
    requireRole(c, c.var.realm.name, container.view);
    const rows = await c.var.db
      .select({ role: roles })
      .from(roleComposites)
      .innerJoin(roles, eq(roles.id, roleComposites.childRoleId))
      .where(eq(roleComposites.roleId, role.id))
      .orderBy(roles.name);
    return c.json(
      await roleRepresentations(
        c,
        rows.map((row) => row.role),
      ),
    );
  });

  routes.post("/composites", async (c) => {
    const { role, container } = await load(c);
    requireRole(c, c.var.realm.name, container.manage);
    const children = await namedRoles(c, container, true);
    for (const child of children) {
      // Keycloak refuses composites that would contain themselves.
      if (await reaches(c, child.id, role.id)) {
        throw AdminError.badRequest(`Adding ${child.name} to ${role.name} would make a cycle`);
      }
    }
    const inserts = children.map((child) =>
      c.var.db
        .insert(roleComposites)
        .values({ roleId: role.id, childRoleId: child.id })
        .onConflictDoNothing(),
    );
    const [first, ...rest] = inserts;
    if (first) await c.var.db.batch([first, ...rest]);
    auditChange(c, "CREATE", container.resourceType, `${byId(role)}/composites`, children);
    return c.body(null, 204);
  });

  routes.delete("/composites", async (c) => {
    const { role, container } = await load(c);
    requireRole(c, c.var.realm.name, container.manage);
    const ids = (await namedRoles(c, container, true)).map((child) => child.id);
    if (ids.length > 0) {
      await c.var.db
        .delete(roleComposites)
        .where(and(eq(roleComposites.roleId, role.id), inArray(roleComposites.childRoleId, ids)));
    }
    auditChange(c, "DELETE", container.resourceType, `${byId(role)}/composites`);
    return c.body(null, 204);
  });

  routes.get("/users", async (c) => {
    const { role } = await load(c);
    requireRole(c, c.var.realm.name, "view-users");
    const { first, max } = paging(c);
    const rows = await c.var.db
      .select({ user: users })
      .from(userRoles)
      .innerJoin(users, eq(users.id, userRoles.userId))
      .where(eq(userRoles.roleId, role.id))
      .orderBy(users.usernameKey)
      .limit(max)
      .offset(first);
    return c.json(rows.map((row) => userRepresentation(row.user)));
  });
  return routes;
}

function isDefaultRole(c: Context<AppEnv>, role: Role): boolean {
  return role.clientId === null && role.name === defaultRoleName(c.var.realm.name);
}

/**
 * The routes on a container's roles (`GET` and `POST` on the list, then each role by name),
 * for the container `containerFor` finds from the path.
 */
export function roleContainerRoutes(
  containerFor: (c: Context<AppEnv>) => RoleContainer | Promise<RoleContainer>,
) {
  const routes = new Hono<AppEnv>();

  routes.get("/", async (c) => {
    const container = await containerFor(c);
    requireRole(c, c.var.realm.name, container.view);
    const rows = await c.var.db
      .select()
      .from(roles)
      .where(inContainer(c, container))
      .orderBy(roles.name);
    return c.json(await roleRepresentations(c, rows));
  });

  routes.post("/", async (c) => {
    const container = await containerFor(c);
    requireRole(c, c.var.realm.name, container.manage);
    const body = await readBody(c, newRole);
    const row = {
      id: randomId(),
      realmId: c.var.realm.id,
      clientId: container.clientRowId,
      containerId: container.id,
      name: body.name,
      description: body.description ?? null,
    };
    try {
      await c.var.db.insert(roles).values(row);
    } catch {
      throw AdminError.conflict(`Role with name ${body.name} already exists`);
    }
    const name = encodeURIComponent(body.name);
    auditChange(c, "CREATE", container.resourceType, `${container.path}/${name}`, body);
    const origin = new URL(c.req.url).origin;
    c.header("Location", `${origin}/admin/realms/${c.var.realm.name}/${container.path}/${name}`);
    return c.body(null, 201);
  });

  routes.route(
    "/:role",
    oneRole(async (c) => {
      const container = await containerFor(c);
      const role = await c.var.db.query.roles.findFirst({
        where: and(inContainer(c, container), eq(roles.name, c.req.param("role") ?? "")),
      });
      if (!role) throw AdminError.notFound("Could not find role");
      return { role, container };
    }),
  );
  return routes;
}

/** `/admin/realms/{realm}/roles`: the realm's roles. */
export const roleRoutes = roleContainerRoutes(realmContainer);

/** `/admin/realms/{realm}/roles-by-id`: any role of the realm, realm or client role. */
export const roleByIdRoutes = new Hono<AppEnv>();
roleByIdRoutes.route(
  "/:role",
  oneRole(async (c) => {
    const role = await c.var.db.query.roles.findFirst({
      where: and(eq(roles.realmId, c.var.realm.id), eq(roles.id, c.req.param("role") ?? "")),
    });
    if (!role) throw AdminError.notFound("Could not find role");
    return { role, container: containerOf(c, role) };
  }),
);
