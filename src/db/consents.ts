import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Database } from "./client";
import { clients, consents, refreshTokens } from "./schema";

/** One client a person has approved, with the scopes approved. */
export interface ClientGrant {
  /** The client's row id. */
  clientRowId: string;
  clientId: string;
  clientName: string | null;
  scopes: string[];
}

/** The scopes the person has already approved for the client, of those asked about. */
export async function approvedScopes(
  db: Database,
  userId: string,
  clientRowId: string,
  scopes: string[],
): Promise<Set<string>> {
  if (scopes.length === 0) return new Set();
  const rows = await db
    .select({ scope: consents.scope })
    .from(consents)
    .where(
      and(
        eq(consents.userId, userId),
        eq(consents.clientId, clientRowId),
        inArray(consents.scope, scopes),
      ),
    );
  return new Set(rows.map((row) => row.scope));
}

/** Records the person's approval of scopes for a client; approving again renews the date. */
export async function recordConsent(
  db: Database,
  userId: string,
  clientRowId: string,
  scopes: string[],
  now: number,
): Promise<void> {
  if (scopes.length === 0) return;
  const rows = scopes.map((scope) => ({ userId, clientId: clientRowId, scope, grantedAt: now }));
  await db
    .insert(consents)
    .values(rows)
    .onConflictDoUpdate({
      target: [consents.userId, consents.clientId, consents.scope],
      set: { grantedAt: now },
    });
}

/** Clients holding a live offline token for the person, with or without consent on record. */
function offlineHolders(db: Database, userId: string, now: number) {
  return db
    .selectDistinct({
      clientRowId: refreshTokens.clientId,
      clientId: clients.clientId,
      clientName: clients.name,
    })
    .from(refreshTokens)
    .innerJoin(clients, eq(clients.id, refreshTokens.clientId))
    .where(
      and(
        eq(refreshTokens.userId, userId),
        eq(refreshTokens.offline, true),
        isNull(refreshTokens.rotatedAt),
        gt(refreshTokens.expiresAt, now),
      ),
    );
}

/**
 * Every client the person has approved, and every client holding an offline token for them
 * (first-party apps ask no consent, yet the person must be able to end offline access), for
 * the account page.
 */
export async function listClientGrants(
  db: Database,
  userId: string,
  now: number,
): Promise<ClientGrant[]> {
  const [approved, offline] = await Promise.all([
    db
      .select({
        clientRowId: consents.clientId,
        clientId: clients.clientId,
        clientName: clients.name,
        scope: consents.scope,
      })
      .from(consents)
      .innerJoin(clients, eq(clients.id, consents.clientId))
      .where(eq(consents.userId, userId))
      .orderBy(clients.clientId, consents.scope),
    offlineHolders(db, userId, now),
  ]);
  const rows = [...approved, ...offline.map((row) => ({ ...row, scope: "offline_access" }))];

  const byClient = new Map<string, ClientGrant>();
  for (const { scope, ...client } of rows) {
    const grant = byClient.get(client.clientRowId) ?? { ...client, scopes: [] };
    if (!grant.scopes.includes(scope)) grant.scopes.push(scope);
    byClient.set(client.clientRowId, grant);
  }
  return [...byClient.values()];
}

/**
 * Withdraws the person's approval of a client and, in the same batch, ends every refresh
 * token family (offline ones too) the client holds for them. Returns whether there was one.
 */
export async function revokeClientGrant(
  db: Database,
  userId: string,
  clientRowId: string,
): Promise<boolean> {
  const [removed] = await db.batch([
    db
      .delete(consents)
      .where(and(eq(consents.userId, userId), eq(consents.clientId, clientRowId)))
      .returning({ scope: consents.scope }),
    db
      .delete(refreshTokens)
      .where(and(eq(refreshTokens.userId, userId), eq(refreshTokens.clientId, clientRowId))),
  ]);
  return removed.length > 0;
}
