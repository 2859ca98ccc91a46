import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { clients } from "../../../src/db/schema";
import { listAdminEvents } from "../../../src/events/queries";
import { adminSend } from "./admin";
import { eventually } from "./events";
import { realmId } from "./store";

const db = database((env as unknown as Env).DB);

/** A client's internal id (Keycloak's client uuid), read from D1. */
export async function clientUuid(realmName: string, clientId: string): Promise<string> {
  const [row] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.realmId, await realmId(realmName)), eq(clients.clientId, clientId)));
  if (!row) throw new Error(`no client ${clientId}`);
  return row.id;
}

/** A client's stored default and optional scope names. */
export async function clientScopeLists(realmName: string, clientId: string) {
  const [row] = await db
    .select({ default: clients.defaultClientScopes, optional: clients.optionalClientScopes })
    .from(clients)
    .where(and(eq(clients.realmId, await realmId(realmName)), eq(clients.clientId, clientId)));
  return row;
}

/** The id at the end of a 201's Location. */
export function createdId(response: Response): string {
  expect(response.status).toBe(201);
  return (response.headers.get("location") ?? "").split("/").at(-1) ?? "";
}

/** Turns admin events on for a realm through the API. */
export async function recordAdminEvents(realmName: string, token: string): Promise<void> {
  const response = await adminSend("PUT", `/${realmName}`, token, { adminEventsEnabled: true });
  expect(response.status).toBe(204);
}

/** The stored admin events' operation and resource types, e.g. `["CREATE", "CLIENT_SCOPE"]`. */
export async function adminEventKinds(realmName: string): Promise<string[][]> {
  const id = await realmId(realmName);
  return eventually(async () => {
    const stored = await listAdminEvents(db, id);
    return stored.length > 0 ? stored.map((e) => [e.operationType, e.resourceType]) : undefined;
  });
}
