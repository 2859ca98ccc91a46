import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../config";
import { clientScopes, clients, type protocolMappers } from "../db/schema";
import { supportedScopes } from "../oidc/scopes";
import { AdminError } from "./errors";

type ScopeRow = typeof clientScopes.$inferSelect;
type MapperRow = typeof protocolMappers.$inferSelect;

/**
 * Keycloak's built-in client scopes that Latchkey implements in code (`openid` is a scope
 * value, not a client scope). Their id is their name; they cannot be changed or deleted.
 */
const BUILT_IN_SCOPES: Record<string, { description: string; listed: boolean }> = {
  profile: { description: "OpenID Connect built-in scope: profile", listed: true },
  email: { description: "OpenID Connect built-in scope: email", listed: true },
  address: { description: "OpenID Connect built-in scope: address", listed: true },
  phone: { description: "OpenID Connect built-in scope: phone", listed: true },
  offline_access: { description: "OpenID Connect built-in scope: offline_access", listed: true },
  roles: { description: "Adds the user's roles to the access token", listed: false },
  "web-origins": { description: "Allowed web origins in the access token", listed: false },
  acr: { description: "Adds the acr claim to the token", listed: false },
  basic: { description: "Adds claims such as sub and auth_time", listed: false },
};

/** Whether a name or id is one of the built-in client scopes. */
export function isBuiltInScope(nameOrId: string): boolean {
  return Object.hasOwn(BUILT_IN_SCOPES, nameOrId) && supportedScopes.some((s) => s === nameOrId);
}

/** Keycloak's ProtocolMapperRepresentation of a stored mapper. */
export function mapperRepresentation(row: MapperRow) {
  return {
    id: row.id,
    name: row.name,
    protocol: "openid-connect",
    protocolMapper: row.type,
    consentRequired: false,
    config: row.config,
  };
}

/** Keycloak's ClientScopeRepresentation of a realm scope row with its mappers. */
export function scopeRepresentation(row: ScopeRow, mappers: MapperRow[]) {
  const attributes: Record<string, string> = {
    "include.in.token.scope": String(row.includeInTokenScope),
    "display.on.consent.screen": "true",
  };
  if (row.consentScreenText) attributes["consent.screen.text"] = row.consentScreenText;
  return {
    id: row.id,
    name: row.name,
    description: row.description ?? undefined,
    protocol: "openid-connect",
    attributes,
    protocolMappers: mappers.map(mapperRepresentation),
  };
}

/** A built-in scope as Keycloak represents it; its claims come from code, not mappers. */
export function builtInRepresentation(name: string) {
  const scope = BUILT_IN_SCOPES[name];
  return {
    id: name,
    name,
    description: scope?.description,
    protocol: "openid-connect",
    attributes: {
      "include.in.token.scope": String(scope?.listed ?? false),
      "display.on.consent.screen": "true",
    },
    protocolMappers: [],
  };
}

/** The built-in scopes' representations, in Keycloak's usual order. */
export function builtInRepresentations() {
  return Object.keys(BUILT_IN_SCOPES).map(builtInRepresentation);
}

/** A realm scope of the path's realm by id, or 404 as Keycloak words it. */
export async function findRealmScope(c: Context<AppEnv>, id: string): Promise<ScopeRow> {
  const row = await c.var.db.query.clientScopes.findFirst({
    where: and(eq(clientScopes.realmId, c.var.realm.id), eq(clientScopes.id, id)),
  });
  if (!row) throw AdminError.notFound("Could not find client scope");
  return row;
}

/** The name of a scope (built-in or the realm's) named by its id; 404 when there is none. */
export async function scopeNameById(c: Context<AppEnv>, id: string): Promise<string> {
  if (isBuiltInScope(id)) return id;
  return (await findRealmScope(c, id)).name;
}

/** The id Keycloak's API uses for a scope name: a built-in's name, a realm scope's row id. */
export async function scopeIdsByName(c: Context<AppEnv>): Promise<Map<string, string>> {
  const rows = await c.var.db
    .select({ id: clientScopes.id, name: clientScopes.name })
    .from(clientScopes)
    .where(eq(clientScopes.realmId, c.var.realm.id));
  const ids = new Map(Object.keys(BUILT_IN_SCOPES).map((name) => [name, name]));
  for (const row of rows) ids.set(row.name, row.id);
  return ids;
}

/** Keycloak's brief scope entries (`id`, `name`) for a list of scope names. */
export async function scopeEntries(c: Context<AppEnv>, names: readonly string[]) {
  const ids = await scopeIdsByName(c);
  return names.flatMap((name) => {
    const id = ids.get(name);
    return id ? [{ id, name }] : [];
  });
}

/** Whether a JSON list column holds the name. */
function holds(column: SQL, name: string): SQL {
  return sql`EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ${name})`;
}

/** Whether any client of the realm has the scope as a default or optional scope. */
export async function scopeInUse(c: Context<AppEnv>, name: string): Promise<boolean> {
  const defaults = holds(sql`${clients.defaultClientScopes}`, name);
  const optional = holds(sql`${clients.optionalClientScopes}`, name);
  const rows = await c.var.db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.realmId, c.var.realm.id), sql`(${defaults} OR ${optional})`))
    .limit(1);
  return rows.length > 0;
}
