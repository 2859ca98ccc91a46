import { and, eq, inArray } from "drizzle-orm";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import { clients, protocolMappers } from "../db/schema";
import {
  mapperRows,
  type ProtocolMapperRepresentation,
  protocolMapper,
  protocolMapperList,
} from "../realm-import/client-scopes";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { mapperRepresentation } from "./client-scope-store";
import { AdminError } from "./errors";
import { readBody } from "./validate";

/** Whose mappers a route serves: a realm client scope's or one client's. */
export interface MapperOwner {
  owner: { scopeId: string } | { clientId: string };
  /** The owner's admin path, for admin events, e.g. `client-scopes/{id}`. */
  path: string;
  type: "CLIENT_SCOPE" | "CLIENT";
}

/** Resolves the owner from the path; null is a built-in scope, which has no stored mappers. */
export type OwnerLookup = (c: Context<AppEnv>, write: boolean) => Promise<MapperOwner | null>;

const CLIENT_KEY = "usermodel.clientRoleMapping.clientId";
const MAPPER_NAME_TAKEN = "Protocol mapper exists with same name";

/** A client role mapper naming one client must name a client of this realm. */
export async function checkMapperReferences(
  c: Context<AppEnv>,
  mappers: readonly ProtocolMapperRepresentation[],
): Promise<void> {
  const named = mappers
    .filter((mapper) => mapper.protocolMapper === "oidc-usermodel-client-role-mapper")
    .map((mapper) => mapper.config?.[CLIENT_KEY])
    .filter((clientId): clientId is string => Boolean(clientId));
  if (named.length === 0) return;
  const found = await c.var.db
    .select({ clientId: clients.clientId })
    .from(clients)
    .where(and(eq(clients.realmId, c.var.realm.id), inArray(clients.clientId, named)));
  const known = new Set(found.map((row) => row.clientId));
  const missing = named.find((clientId) => !known.has(clientId));
  if (missing)
    throw AdminError.badRequest(`config.${CLIENT_KEY}: no client "${missing}" in this realm`);
}

function ownerWhere(owner: MapperOwner["owner"]) {
  return "scopeId" in owner
    ? eq(protocolMappers.scopeId, owner.scopeId)
    : eq(protocolMappers.clientId, owner.clientId);
}

/** The owner's mapper with the path's id, or Keycloak's 404. */
async function findMapper(c: Context<AppEnv>, owner: MapperOwner) {
  const row = await c.var.db.query.protocolMappers.findFirst({
    where: and(ownerWhere(owner.owner), eq(protocolMappers.id, c.req.param("mapperId") ?? "")),
  });
  if (!row) throw AdminError.notFound("Model not found");
  return row;
}

/** A mapper's name is unique among its owner's mappers, as in Keycloak. */
async function checkNameFree(c: Context<AppEnv>, owner: MapperOwner, name: string, id?: string) {
  const taken = await c.var.db.query.protocolMappers.findFirst({
    where: and(ownerWhere(owner.owner), eq(protocolMappers.name, name)),
  });
  if (taken && taken.id !== id) {
    throw AdminError.conflict(MAPPER_NAME_TAKEN);
  }
}

async function readMapper(c: Context<AppEnv>) {
  const body = await readBody(c, protocolMapper);
  await checkMapperReferences(c, [body]);
  return body;
}

/**
 * Keycloak's `.../protocol-mappers` routes for one owner, mounted under a client scope
 * and under a client. Only mapper types Latchkey applies are accepted, their config checked.
 */
export function protocolMapperRoutes(lookup: OwnerLookup) {
  const routes = new Hono<AppEnv>();

  async function owner(c: Context<AppEnv>, write: boolean): Promise<MapperOwner | null> {
    requireRole(c, c.var.realm.name, write ? "manage-clients" : "view-clients");
    return lookup(c, write);
  }

  async function writable(c: Context<AppEnv>): Promise<MapperOwner> {
    const found = await owner(c, true);
    if (!found) throw AdminError.badRequest("A built-in client scope's mappers cannot be changed");
    return found;
  }

  routes.get("/models", async (c) => {
    const found = await owner(c, false);
    if (!found) return c.json([]);
    const rows = await c.var.db
      .select()
      .from(protocolMappers)
      .where(ownerWhere(found.owner))
      .orderBy(protocolMappers.name);
    return c.json(rows.map(mapperRepresentation));
  });

  routes.post("/models", async (c) => {
    const found = await writable(c);
    const body = await readMapper(c);
    await checkNameFree(c, found, body.name);
    const [row] = mapperRows([body], c.var.realm.id, found.owner);
    if (!row) throw AdminError.badRequest("No mapper given");
    await c.var.db.insert(protocolMappers).values(row);
    const path = `${found.path}/protocol-mappers/models/${row.id}`;
    auditChange(c, "CREATE", "PROTOCOL_MAPPER", path, body);
    const origin = new URL(c.req.url).origin;
    c.header("Location", `${origin}/admin/realms/${c.var.realm.name}/${path}`);
    return c.body(null, 201);
  });

  // Keycloak's `add-models`: several mappers at once, all or none.
  routes.post("/add-models", async (c) => {
    const found = await writable(c);
    const list = await readBody(c, protocolMapperList.min(1));
    await checkMapperReferences(c, list);
    const names = list.map((mapper) => mapper.name);
    for (const [index, name] of names.entries()) {
      if (names.indexOf(name) !== index) throw AdminError.conflict(MAPPER_NAME_TAKEN);
      await checkNameFree(c, found, name);
    }
    await c.var.db.insert(protocolMappers).values(mapperRows(list, c.var.realm.id, found.owner));
    auditChange(c, "CREATE", "PROTOCOL_MAPPER", `${found.path}/protocol-mappers/add-models`, list);
    return c.body(null, 204);
  });

  // Keycloak's list by protocol: Latchkey's mappers are all openid-connect.
  routes.get("/protocol/:protocol", async (c) => {
    const found = await owner(c, false);
    if (!found || c.req.param("protocol") !== "openid-connect") return c.json([]);
    const rows = await c.var.db
      .select()
      .from(protocolMappers)
      .where(ownerWhere(found.owner))
      .orderBy(protocolMappers.name);
    return c.json(rows.map(mapperRepresentation));
  });

  routes.get("/models/:mapperId", async (c) => {
    const found = await owner(c, false);
    if (!found) throw AdminError.notFound("Model not found");
    return c.json(mapperRepresentation(await findMapper(c, found)));
  });

  routes.put("/models/:mapperId", async (c) => {
    const found = await writable(c);
    const row = await findMapper(c, found);
    const body = await readMapper(c);
    await checkNameFree(c, found, body.name, row.id);
    await c.var.db
      .update(protocolMappers)
      .set({ name: body.name, type: body.protocolMapper, config: body.config ?? {} })
      .where(eq(protocolMappers.id, row.id));
    const path = `${found.path}/protocol-mappers/models/${row.id}`;
    auditChange(c, "UPDATE", "PROTOCOL_MAPPER", path, body);
    return c.body(null, 204);
  });

  routes.delete("/models/:mapperId", async (c) => {
    const found = await writable(c);
    const row = await findMapper(c, found);
    await c.var.db.delete(protocolMappers).where(eq(protocolMappers.id, row.id));
    auditChange(c, "DELETE", "PROTOCOL_MAPPER", `${found.path}/protocol-mappers/models/${row.id}`);
    return c.body(null, 204);
  });

  return routes;
}
