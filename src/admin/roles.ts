import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import { randomId } from "../crypto/random";
import { roleComposites, roles, userRoles } from "../db/role-schema";
import { users } from "../db/schema";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { AdminError } from "./errors";
import { userRepresentation } from "./user-representation";
import { namedRealmRoles, roleRepresentations } from "./user-role-mappings";
import { paging, readBody } from "./validate";

const newRole = z.object({
  name: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\p{Cc}]+$/u, "must not hold control characters"),
  description: z.string().max(255).nullish(),
});

/** A realm role by name or id, in the path's realm. */
async function findRole(c: Context<AppEnv>, by: "name" | "id", value: string) {
  const role = await c.var.db.query.roles.findFirst({
    where: and(
      eq(roles.realmId, c.var.realm.id),
      isNull(roles.clientId),
      eq(by === "name" ? roles.name : roles.id, value),
    ),
  });
  if (!role) throw AdminError.notFound("Could not find role");
  return role;
}

/** Whether `descendant` reaches `ancestor` through composites (so linking would loop). */
async function reaches(c: Context<AppEnv>, from: string, target: string): Promise<boolean> {
  const rows = await c.var.db.all<{ id: string }>(sql`
    WITH RECURSIVE below(id) AS (
      SELECT ${from} UNION SELECT rc.child_role_id FROM ${roleComposites} rc
        JOIN below ON rc.role_id = below.id
    ) SELECT id FROM below WHERE id = ${target}`);
  return rows.length > 0;
}

/** Routes on one role, mounted under `roles/{name}` and `roles-by-id/{id}`. */
function oneRole(by: "name" | "id") {
  const routes = new Hono<AppEnv>();
  const load = (c: Context<AppEnv>) => findRole(c, by, c.req.param("role") ?? "");

  routes.get("/", async (c) => {
    requireRole(c, c.var.realm.name, "view-realm");
    const [rep] = await roleRepresentations(c, [await load(c)]);
    return c.json(rep);
  });

  routes.delete("/", async (c) => {
    requireRole(c, c.var.realm.name, "manage-realm");
    const role = await load(c);
    if (role.name === `default-roles-${c.var.realm.name.toLowerCase()}`) {
      throw AdminError.badRequest("The realm's default role cannot be deleted");
    }
    await c.var.db.delete(roles).where(eq(roles.id, role.id));
    auditChange(c, "DELETE", "REALM_ROLE", `roles-by-id/${role.id}`);
    return c.body(null, 204);
  });

  routes.get("/composites", async (c) => {
    requireRole(c, c.var.realm.name, "view-realm");
    const role = await load(c);
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
    requireRole(c, c.var.realm.name, "manage-realm");
    const role = await load(c);
    const children = await namedRealmRoles(c);
    for (const child of children) {
      // Keycloak refuses composites that would contain themselves.
      if (await reaches(c, child.id, role.id)) {
        throw AdminError.badRequest(`Adding ${child.name} to ${role.name} would make a cycle`);
      }
    }
    for (const child of children) {
      await c.var.db
        .insert(roleComposites)
        .values({ roleId: role.id, childRoleId: child.id })
        .onConflictDoNothing();
    }
    auditChange(c, "CREATE", "REALM_ROLE", `roles-by-id/${role.id}/composites`, children);
    return c.body(null, 204);
  });

  routes.delete("/composites", async (c) => {
    requireRole(c, c.var.realm.name, "manage-realm");
    const role = await load(c);
    const ids = (await namedRealmRoles(c)).map((child) => child.id);
    if (ids.length > 0) {
      await c.var.db
        .delete(roleComposites)
        .where(and(eq(roleComposites.roleId, role.id), inArray(roleComposites.childRoleId, ids)));
    }
    auditChange(c, "DELETE", "REALM_ROLE", `roles-by-id/${role.id}/composites`);
    return c.body(null, 204);
  });

  routes.get("/users", async (c) => {
    requireRole(c, c.var.realm.name, "view-users");
    const role = await load(c);
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

/** `/admin/realms/{realm}/roles`: the realm's roles. */
export const roleRoutes = new Hono<AppEnv>();

roleRoutes.get("/", async (c) => {
  requireRole(c, c.var.realm.name, "view-realm");
  const rows = await c.var.db
    .select()
    .from(roles)
    .where(and(eq(roles.realmId, c.var.realm.id), isNull(roles.clientId)))
    .orderBy(roles.name);
  return c.json(await roleRepresentations(c, rows));
});

roleRoutes.post("/", async (c) => {
  requireRole(c, c.var.realm.name, "manage-realm");
  const body = await readBody(c, newRole);
  const realm = c.var.realm;
  const row = {
    id: randomId(),
    realmId: realm.id,
    clientId: null,
    containerId: realm.id,
    name: body.name,
    description: body.description ?? null,
  };
  try {
    await c.var.db.insert(roles).values(row);
  } catch {
    throw AdminError.conflict(`Role with name ${body.name} already exists`);
  }
  auditChange(c, "CREATE", "REALM_ROLE", `roles/${body.name}`, body);
  const origin = new URL(c.req.url).origin;
  c.header(
    "Location",
    `${origin}/admin/realms/${realm.name}/roles/${encodeURIComponent(body.name)}`,
  );
  return c.body(null, 201);
});

roleRoutes.route("/:role", oneRole("name"));

/** `/admin/realms/{realm}/roles-by-id`. */
export const roleByIdRoutes = new Hono<AppEnv>();
roleByIdRoutes.route("/:role", oneRole("id"));
