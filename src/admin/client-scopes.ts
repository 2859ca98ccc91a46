import { and, eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import { randomId } from "../crypto/random";
import { clientScopes, clients, protocolMappers, realms } from "../db/schema";
import { clearRealmCache } from "../http/realm-context";
import { mapperRows, protocolMapperList, scopeName } from "../realm-import/client-scopes";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { clientScopeScopeMappingRoutes } from "./client-scope-scope-mappings";
import {
  builtInRepresentation,
  builtInRepresentations,
  findRealmScope,
  isBuiltInScope,
  scopeInUse,
  scopeRepresentation,
} from "./client-scope-store";
import { AdminError } from "./errors";
import { checkMapperReferences, protocolMapperRoutes } from "./protocol-mappers";
import { readBody } from "./validate";

/** Keycloak's ClientScopeRepresentation as POST and PUT take it; unknown fields are dropped. */
const scopeInput = z.object({
  name: scopeName,
  description: z.string().max(255).nullish(),
  protocol: z.literal("openid-connect", "only openid-connect scopes are supported").nullish(),
  attributes: z
    .object({
      "include.in.token.scope": z.enum(["true", "false"]).nullish(),
      "display.on.consent.screen": z
        .literal("true", "hiding a scope from the consent screen is not supported")
        .nullish(),
      "consent.screen.text": z.string().max(255).nullish(),
    })
    .nullish(),
  protocolMappers: protocolMapperList
    .refine(
      (list) => new Set(list.map((mapper) => mapper.name)).size === list.length,
      "two mappers have the same name",
    )
    .nullish(),
});

type ScopeInput = z.infer<typeof scopeInput>;

function scopeColumns(body: ScopeInput) {
  return {
    name: body.name,
    description: body.description || null,
    includeInTokenScope: body.attributes?.["include.in.token.scope"] !== "false",
    consentScreenText: body.attributes?.["consent.screen.text"] || null,
  };
}

/** A built-in's name is taken; so is a realm scope's, unless it is the one being changed. */
async function checkNameFree(c: Context<AppEnv>, name: string, except?: string) {
  const taken = await c.var.db.query.clientScopes.findFirst({
    where: and(eq(clientScopes.realmId, c.var.realm.id), eq(clientScopes.name, name)),
  });
  if (isBuiltInScope(name) || name === "openid" || (taken && taken.id !== except)) {
    throw AdminError.conflict(`Client Scope ${name} already exists`);
  }
}

/** Renames a scope in a JSON list of scope names, keeping its place. */
function renamed(column: SQL, from: string, to: string): SQL {
  return sql`(SELECT json_group_array(CASE WHEN value = ${from} THEN ${to} ELSE value END)
    FROM json_each(${column}))`;
}

/** `/admin/realms/{realm}/client-scopes`: the realm's client scopes and their mappers. */
export const clientScopeRoutes = new Hono<AppEnv>();

clientScopeRoutes.get("/", async (c) => {
  requireRole(c, c.var.realm.name, "view-clients");
  const db = c.var.db;
  const [scopes, mappers] = await db.batch([
    db.select().from(clientScopes).where(eq(clientScopes.realmId, c.var.realm.id)),
    db.select().from(protocolMappers).where(eq(protocolMappers.realmId, c.var.realm.id)),
  ]);
  const own = scopes.map((scope) =>
    scopeRepresentation(
      scope,
      mappers.filter((mapper) => mapper.scopeId === scope.id),
    ),
  );
  return c.json([...builtInRepresentations(), ...own.sort((a, b) => a.name.localeCompare(b.name))]);
});

clientScopeRoutes.post("/", async (c) => {
  requireRole(c, c.var.realm.name, "manage-clients");
  const body = await readBody(c, scopeInput);
  await checkNameFree(c, body.name);
  await checkMapperReferences(c, body.protocolMappers ?? []);
  const id = randomId();
  const realmId = c.var.realm.id;
  const db = c.var.db;
  const mappers = mapperRows(body.protocolMappers, realmId, { scopeId: id });
  const insertScope = db.insert(clientScopes).values({ id, realmId, ...scopeColumns(body) });
  try {
    await (mappers.length > 0
      ? db.batch([insertScope, db.insert(protocolMappers).values(mappers)])
      : insertScope);
  } catch (error) {
    // Another request took the name between the check and the insert.
    if (String((error as { cause?: unknown })?.cause ?? error).includes("UNIQUE")) {
      throw AdminError.conflict(`Client Scope ${body.name} already exists`);
    }
    throw error;
  }
  auditChange(c, "CREATE", "CLIENT_SCOPE", `client-scopes/${id}`, body);
  const origin = new URL(c.req.url).origin;
  c.header("Location", `${origin}/admin/realms/${c.var.realm.name}/client-scopes/${id}`);
  return c.body(null, 201);
});

clientScopeRoutes.get("/:scopeId", async (c) => {
  requireRole(c, c.var.realm.name, "view-clients");
  const id = c.req.param("scopeId");
  if (isBuiltInScope(id)) return c.json(builtInRepresentation(id));
  const scope = await findRealmScope(c, id);
  const mappers = await c.var.db
    .select()
    .from(protocolMappers)
    .where(eq(protocolMappers.scopeId, scope.id));
  return c.json(scopeRepresentation(scope, mappers));
});

function refuseBuiltIn(id: string) {
  if (isBuiltInScope(id)) {
    throw AdminError.badRequest(`The built-in client scope ${id} cannot be changed or deleted`);
  }
}

clientScopeRoutes.put("/:scopeId", async (c) => {
  requireRole(c, c.var.realm.name, "manage-clients");
  refuseBuiltIn(c.req.param("scopeId"));
  const scope = await findRealmScope(c, c.req.param("scopeId"));
  // As in Keycloak, mappers are changed through their own endpoints, not through this PUT.
  const body = await readBody(c, scopeInput.omit({ protocolMappers: true }));
  const db = c.var.db;
  const statements: BatchItem<"sqlite">[] = [
    db.update(clientScopes).set(scopeColumns(body)).where(eq(clientScopes.id, scope.id)),
  ];
  if (body.name !== scope.name) {
    await checkNameFree(c, body.name, scope.id);
    // Clients and the realm's defaults name their scopes, so a rename renames them there too.
    const [from, to] = [scope.name, body.name];
    const defaults = sql`${clients.defaultClientScopes}`;
    const optional = sql`${clients.optionalClientScopes}`;
    statements.push(
      db
        .update(clients)
        .set({
          defaultClientScopes: renamed(defaults, from, to),
          optionalClientScopes: renamed(optional, from, to),
        })
        .where(eq(clients.realmId, c.var.realm.id)),
      db
        .update(realms)
        .set({
          defaultDefaultClientScopes: renamed(sql`${realms.defaultDefaultClientScopes}`, from, to),
          defaultOptionalClientScopes: renamed(
            sql`${realms.defaultOptionalClientScopes}`,
            from,
            to,
          ),
        })
        .where(eq(realms.id, c.var.realm.id)),
    );
  }
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (error) {
    // Another request took the name between the check and the update.
    if (String((error as { cause?: unknown })?.cause ?? error).includes("UNIQUE")) {
      throw AdminError.conflict(`Client Scope ${body.name} already exists`);
    }
    throw error;
  }
  clearRealmCache();
  auditChange(c, "UPDATE", "CLIENT_SCOPE", `client-scopes/${scope.id}`, body);
  return c.body(null, 204);
});

clientScopeRoutes.delete("/:scopeId", async (c) => {
  requireRole(c, c.var.realm.name, "manage-clients");
  refuseBuiltIn(c.req.param("scopeId"));
  const scope = await findRealmScope(c, c.req.param("scopeId"));
  if (await scopeInUse(c, scope.name)) {
    throw AdminError.badRequest("Cannot remove client scope, it is currently in use");
  }
  const db = c.var.db;
  const without = (column: SQL) =>
    sql`(SELECT json_group_array(value) FROM json_each(${column}) WHERE value <> ${scope.name})`;
  await db.batch([
    db
      .update(realms)
      .set({
        defaultDefaultClientScopes: without(sql`${realms.defaultDefaultClientScopes}`),
        defaultOptionalClientScopes: without(sql`${realms.defaultOptionalClientScopes}`),
      })
      .where(eq(realms.id, c.var.realm.id)),
    db.delete(clientScopes).where(eq(clientScopes.id, scope.id)),
  ]);
  clearRealmCache();
  auditChange(c, "DELETE", "CLIENT_SCOPE", `client-scopes/${scope.id}`);
  return c.body(null, 204);
});

clientScopeRoutes.route(
  "/:scopeId/protocol-mappers",
  protocolMapperRoutes(async (c) => {
    const id = c.req.param("scopeId") ?? "";
    if (isBuiltInScope(id)) return null;
    const scope = await findRealmScope(c, id);
    return {
      owner: { scopeId: scope.id },
      path: `client-scopes/${scope.id}`,
      type: "CLIENT_SCOPE",
    };
  }),
);

clientScopeRoutes.route("/:scopeId/scope-mappings", clientScopeScopeMappingRoutes);
