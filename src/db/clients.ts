import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "./client";
import { clients } from "./schema";

export type Client = typeof clients.$inferSelect;

export async function findClient(
  db: Database,
  realmId: string,
  clientId: string,
): Promise<Client | undefined> {
  return db.query.clients.findFirst({
    where: and(eq(clients.realmId, realmId), eq(clients.clientId, clientId)),
  });
}

export async function findClientById(db: Database, id: string): Promise<Client | undefined> {
  return db.query.clients.findFirst({ where: eq(clients.id, id) });
}

/** The clients with these internal ids (at most a session's few), in no particular order. */
export async function findClientsByIds(db: Database, ids: string[]): Promise<Client[]> {
  if (ids.length === 0) return [];
  return db.query.clients.findMany({ where: inArray(clients.id, ids) });
}
