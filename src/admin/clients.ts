import { and, eq, like } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import { clientSecretValue } from "../db/client-secret";
import { clients } from "../db/schema";
import { findServiceAccount } from "../db/users";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { clientRepresentation, newClientRepresentation } from "./client-representation";
import { clientRoleRoutes } from "./client-roles";
import { clientScopeMappingRoutes } from "./client-scope-mappings";
import {
  createClient,
  deleteClient,
  pathClient,
  regenerateSecret,
  updateClient,
} from "./client-store";
import { AdminError } from "./errors";
import { userRepresentation } from "./user-representation";
import { paging, parseWith, readBody } from "./validate";

/**
 * Keycloak's built-in clients, which it refuses to delete ("Could not delete client"); in the
 * master realm also each realm's `<realm>-realm` client.
 */
const BUILT_IN_CLIENTS = new Set([
  "account",
  "account-console",
  "admin-cli",
  "broker",
  "realm-management",
  "security-admin-console",
]);

function isBuiltIn(realmName: string, clientId: string): boolean {
  return BUILT_IN_CLIENTS.has(clientId) || (realmName === "master" && clientId.endsWith("-realm"));
}

/** A representation for the admin event trail: never the secret. */
function withoutSecret(rep: Record<string, unknown>) {
  const { secret: _secret, ...rest } = rep;
  return rest;
}

/** A PUT body: an object, whose `attributes`, if any, is an object too. */
const updateBody = z.looseObject({
  attributes: z.record(z.string(), z.unknown()).nullish(),
  secret: z.string().min(1).nullish(),
});

/** `/admin/realms/{realm}/clients`. */
export const clientRoutes = new Hono<AppEnv>();

clientRoutes.get("/", async (c) => {
  requireRole(c, c.var.realm.name, "view-clients");
  // Keycloak lists every client unless asked for a page; 1000 is the admin API's ceiling.
  const { first, max } = paging(c, 1000);
  const clientId = c.req.query("clientId");
  // Keycloak's search=true matches a part of the clientId; without it, the whole clientId.
  const escaped = clientId?.replace(/[\\%_]/g, (char) => `\\${char}`);
  const filter =
    clientId === undefined
      ? undefined
      : c.req.query("search") === "true"
        ? like(clients.clientId, `%${escaped}%`)
        : eq(clients.clientId, clientId);
  const rows = await c.var.db
    .select()
    .from(clients)
    .where(and(eq(clients.realmId, c.var.realm.id), filter))
    .orderBy(clients.clientId)
    .limit(max)
    .offset(first);
  return c.json(rows.map(clientRepresentation));
});

clientRoutes.post("/", async (c) => {
  requireRole(c, c.var.realm.name, "manage-clients");
  const rep = await readBody(c, newClientRepresentation);
  const row = await createClient(c, rep);
  auditChange(c, "CREATE", "CLIENT", `clients/${row.id}`, withoutSecret(rep));
  const origin = new URL(c.req.url).origin;
  c.header("Location", `${origin}/admin/realms/${c.var.realm.name}/clients/${row.id}`);
  return c.body(null, 201);
});

clientRoutes.get("/:clientUuid", async (c) => {
  requireRole(c, c.var.realm.name, "view-clients");
  return c.json(clientRepresentation(await pathClient(c)));
});

clientRoutes.put("/:clientUuid", async (c) => {
  requireRole(c, c.var.realm.name, "manage-clients");
  const client = await pathClient(c);
  const body = await readBody(c, updateBody);
  const current = clientRepresentation(client);
  // Keycloak's update changes what the body names and keeps the rest.
  const merged = {
    ...current,
    ...body,
    attributes: { ...current.attributes, ...(body.attributes ?? {}) },
  };
  const rep = parseWith(newClientRepresentation, merged);
  await updateClient(c, client, rep, body.secret ?? undefined);
  auditChange(c, "UPDATE", "CLIENT", `clients/${client.id}`, withoutSecret(body));
  return c.body(null, 204);
});

clientRoutes.delete("/:clientUuid", async (c) => {
  requireRole(c, c.var.realm.name, "manage-clients");
  const client = await pathClient(c);
  if (isBuiltIn(c.var.realm.name, client.clientId)) {
    throw AdminError.badRequest("Could not delete client");
  }
  await deleteClient(c, client);
  auditChange(c, "DELETE", "CLIENT", `clients/${client.id}`);
  return c.body(null, 204);
});

/** Keycloak's CredentialRepresentation of a client secret. */
const secretCredential = (value: string | undefined) => ({ type: "secret", value });

clientRoutes.get("/:clientUuid/client-secret", async (c) => {
  requireRole(c, c.var.realm.name, "view-clients");
  const client = await pathClient(c);
  if (client.publicClient) throw AdminError.badRequest("Client is public: it has no secret");
  // A secret imported from a realm file is only hashed: it cannot be shown, only replaced.
  const value = await clientSecretValue(c.env.KEY_ENCRYPTION_SECRET, client);
  return c.json(secretCredential(value));
});

clientRoutes.post("/:clientUuid/client-secret", async (c) => {
  requireRole(c, c.var.realm.name, "manage-clients");
  const client = await pathClient(c);
  if (client.publicClient) throw AdminError.badRequest("Client is public: it has no secret");
  const secret = await regenerateSecret(c, client);
  auditChange(c, "ACTION", "CLIENT", `clients/${client.id}/client-secret`);
  return c.json(secretCredential(secret));
});

clientRoutes.get("/:clientUuid/service-account-user", async (c) => {
  requireRole(c, c.var.realm.name, "view-clients");
  const client = await pathClient(c);
  if (!client.serviceAccountsEnabled) {
    throw AdminError.badRequest("Service account not enabled for the client");
  }
  const user = await findServiceAccount(c.var.db, c.var.realm.id, client.id);
  if (!user) throw AdminError.notFound("User not found");
  return c.json(userRepresentation(user, client.clientId));
});

clientRoutes.route("/:clientUuid/roles", clientRoleRoutes);
clientRoutes.route("/:clientUuid/scope-mappings", clientScopeMappingRoutes);
