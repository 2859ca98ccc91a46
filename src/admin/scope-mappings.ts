import type { BatchItem } from "drizzle-orm/batch";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import type { Role } from "../db/roles";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { pathClient } from "./client-store";
import { AdminError } from "./errors";
import {
  clientContainer,
  namedRoles,
  type RoleContainer,
  realmContainer,
  roleRepresentations,
} from "./role-container";

/**
 * What holds scope mappings: a client, or a realm client scope. Each keeps them in its own
 * table; the routes, guards and admin events are the same.
 */
export interface ScopeMappingOwner {
  /** The owner's row id from the path (404 when unknown); null for a built-in client scope. */
  find(c: Context<AppEnv>): Promise<string | null>;
  /** The owner's mapped roles of a container, by name. */
  list(c: Context<AppEnv>, ownerId: string, container: RoleContainer): Promise<Role[]>;
  /** The inserts that map these roles, leaving mapped ones as they are. */
  add(c: Context<AppEnv>, ownerId: string, roleIds: string[]): BatchItem<"sqlite">[];
  /** Removes the mappings of these roles. */
  remove(c: Context<AppEnv>, ownerId: string, roleIds: string[]): Promise<unknown>;
}

/** Where the request's resource is below `/admin/realms/{realm}/`, for admin events. */
function resourcePath(c: Context<AppEnv>): string {
  return new URL(c.req.url).pathname.replace(/^.*?\/admin\/realms\/[^/]+\//, "");
}

/** Keycloak's resource type: realm roles' scope mappings, or a client's roles'. */
function resourceType(container: RoleContainer) {
  return container.clientRowId === null ? "REALM_SCOPE_MAPPING" : "CLIENT_SCOPE_MAPPING";
}

/** The routes of one kind of role (`realm`, or `clients/{id}`) of an owner's scope mappings. */
function containerRoutes(
  owner: ScopeMappingOwner,
  containerFor: (c: Context<AppEnv>) => Promise<RoleContainer>,
) {
  const routes = new Hono<AppEnv>();

  async function writable(c: Context<AppEnv>): Promise<string> {
    requireRole(c, c.var.realm.name, "manage-clients");
    const id = await owner.find(c);
    if (id === null) {
      throw AdminError.badRequest("A built-in client scope's scope mappings cannot be changed");
    }
    return id;
  }

  routes.get("/", async (c) => {
    requireRole(c, c.var.realm.name, "view-clients");
    const id = await owner.find(c);
    const container = await containerFor(c);
    if (id === null) return c.json([]);
    return c.json(await roleRepresentations(c, await owner.list(c, id, container)));
  });

  routes.post("/", async (c) => {
    const id = await writable(c);
    const container = await containerFor(c);
    const named = await namedRoles(c, container);
    const [first, ...rest] = owner.add(
      c,
      id,
      named.map((role) => role.id),
    );
    if (first) await c.var.db.batch([first, ...rest]);
    auditChange(c, "CREATE", resourceType(container), resourcePath(c), named);
    return c.body(null, 204);
  });

  routes.delete("/", async (c) => {
    const id = await writable(c);
    const container = await containerFor(c);
    const ids = (await namedRoles(c, container)).map((role) => role.id);
    if (ids.length > 0) await owner.remove(c, id, ids);
    auditChange(c, "DELETE", resourceType(container), resourcePath(c));
    return c.body(null, 204);
  });
  return routes;
}

/**
 * Keycloak's `.../scope-mappings` of an owner: `realm` holds realm roles, `clients/{id}` the
 * roles of that client. Reading needs view-clients, changing manage-clients.
 */
export function scopeMappingRoutes(owner: ScopeMappingOwner) {
  const routes = new Hono<AppEnv>();
  routes.route(
    "/realm",
    containerRoutes(owner, async (c) => realmContainer(c)),
  );
  routes.route(
    "/clients/:other",
    containerRoutes(owner, async (c) => clientContainer((await pathClient(c, "other")).id)),
  );
  return routes;
}
