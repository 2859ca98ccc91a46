import { and, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import type { Client } from "../db/clients";
import { clients, realms } from "../db/schema";
import { clearRealmCache } from "../http/realm-context";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { scopeEntries, scopeNameById } from "./client-scope-store";
import { AdminError } from "./errors";
import type { AdminRole } from "./permissions";
import { protocolMapperRoutes } from "./protocol-mappers";

type Kind = "default" | "optional";

/** A scope list as it is after linking (`add`) or unlinking a scope; a scope is in one list. */
function relinked(lists: Record<Kind, string[]>, kind: Kind, name: string, add: boolean) {
  const other: Kind = kind === "default" ? "optional" : "default";
  const without = (list: string[]) => list.filter((entry) => entry !== name);
  if (!add) return { ...lists, [kind]: without(lists[kind]) } as Record<Kind, string[]>;
  return { [kind]: [...without(lists[kind]), name], [other]: without(lists[other]) } as Record<
    Kind,
    string[]
  >;
}

/** What a scope link route needs of its owner: read its lists, write them, audit them. */
interface LinkOwner {
  view: AdminRole;
  manage: AdminRole;
  /** The lists, and the admin path prefix of their links (e.g. `clients/{id}/`). */
  load(c: Context<AppEnv>): Promise<{ lists: Record<Kind, string[]>; path: string }>;
  save(c: Context<AppEnv>, lists: Record<Kind, string[]>): Promise<void>;
  resourceType: string;
}

/** GET the list, PUT and DELETE one scope of it by id, for one kind of list. */
function linkRoutes(owner: LinkOwner, kind: Kind) {
  const routes = new Hono<AppEnv>();

  routes.get("/", async (c) => {
    requireRole(c, c.var.realm.name, owner.view);
    const { lists } = await owner.load(c);
    return c.json(await scopeEntries(c, lists[kind]));
  });

  const change = (add: boolean) => async (c: Context<AppEnv>) => {
    requireRole(c, c.var.realm.name, owner.manage);
    const { lists, path } = await owner.load(c);
    const scopeId = c.req.param("scopeId") ?? "";
    const name = await scopeNameById(c, scopeId).catch((error) => {
      throw error instanceof AdminError ? AdminError.notFound("Client scope not found") : error;
    });
    await owner.save(c, relinked(lists, kind, name, add));
    const resource = `${path}${kind}-client-scopes/${scopeId}`;
    auditChange(c, add ? "CREATE" : "DELETE", owner.resourceType, resource);
    return c.body(null, 204);
  };
  routes.put("/:scopeId", change(true));
  routes.delete("/:scopeId", change(false));
  return routes;
}

/** The client the path names by its internal id (Keycloak's client uuid), or 404. */
export async function pathClient(c: Context<AppEnv>): Promise<Client> {
  const client = await c.var.db.query.clients.findFirst({
    where: and(eq(clients.realmId, c.var.realm.id), eq(clients.id, c.req.param("client") ?? "")),
  });
  if (!client) throw AdminError.notFound("Could not find client");
  return client;
}

const clientOwner: LinkOwner = {
  view: "view-clients",
  manage: "manage-clients",
  resourceType: "CLIENT_SCOPE_CLIENT_MAPPING",
  async load(c) {
    const client = await pathClient(c);
    const lists = { default: client.defaultClientScopes, optional: client.optionalClientScopes };
    return { lists, path: `clients/${client.id}/` };
  },
  async save(c, lists) {
    await c.var.db
      .update(clients)
      .set({ defaultClientScopes: lists.default, optionalClientScopes: lists.optional })
      .where(and(eq(clients.realmId, c.var.realm.id), eq(clients.id, c.req.param("client") ?? "")));
  },
};

/** `/admin/realms/{realm}/clients/{client}`: a client's scopes and its own mappers. */
export const clientScopeLinkRoutes = new Hono<AppEnv>();

clientScopeLinkRoutes.route("/:client/default-client-scopes", linkRoutes(clientOwner, "default"));
clientScopeLinkRoutes.route("/:client/optional-client-scopes", linkRoutes(clientOwner, "optional"));
clientScopeLinkRoutes.route(
  "/:client/protocol-mappers",
  protocolMapperRoutes(async (c) => {
    const client = await pathClient(c);
    return { owner: { clientId: client.id }, path: `clients/${client.id}`, type: "CLIENT" };
  }),
);

// Keycloak asks view-clients to read the realm's default scopes and manage-realm to change them.
const realmOwner: LinkOwner = {
  view: "view-clients",
  manage: "manage-realm",
  resourceType: "REALM_SCOPE_MAPPING",
  async load(c) {
    const realm = await c.var.db.query.realms.findFirst({ where: eq(realms.id, c.var.realm.id) });
    const lists = {
      default: realm?.defaultDefaultClientScopes ?? [],
      optional: realm?.defaultOptionalClientScopes ?? [],
    };
    return { lists, path: "default-" };
  },
  async save(c, lists) {
    await c.var.db
      .update(realms)
      .set({
        defaultDefaultClientScopes: lists.default,
        defaultOptionalClientScopes: lists.optional,
      })
      .where(eq(realms.id, c.var.realm.id));
    clearRealmCache();
  },
};

/** `/admin/realms/{realm}/default-{default,optional}-client-scopes`: new clients' scopes. */
export const realmDefaultScopeRoutes = new Hono<AppEnv>();

realmDefaultScopeRoutes.route("/default-default-client-scopes", linkRoutes(realmOwner, "default"));
realmDefaultScopeRoutes.route(
  "/default-optional-client-scopes",
  linkRoutes(realmOwner, "optional"),
);
