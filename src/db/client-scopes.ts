import { and, eq, isNotNull, or } from "drizzle-orm";
import type { Database } from "./client";
import { clientScopes, protocolMappers } from "./schema";

/** A protocol mapper as stored: Keycloak's `protocolMapper` id and its config strings. */
export interface ProtocolMapper {
  name: string;
  type: string;
  config: Record<string, string>;
}

/** A realm-defined client scope with its mappers. */
export interface RealmClientScope {
  name: string;
  includeInTokenScope: boolean;
  consentScreenText: string | null;
  mappers: ProtocolMapper[];
}

/** What one client's tokens are shaped by: the realm's client scopes and its own mappers. */
export interface ClientScopeSet {
  realmScopes: RealmClientScope[];
  clientMappers: ProtocolMapper[];
}

const mapperColumns = {
  scopeId: protocolMappers.scopeId,
  clientId: protocolMappers.clientId,
  name: protocolMappers.name,
  type: protocolMappers.type,
  config: protocolMappers.config,
};

/**
 * Loads the realm's client scopes with their mappers, and the mappers of one client (by its
 * internal id), in one batch of two reads.
 */
export async function loadClientScopeSet(
  db: Database,
  realmId: string,
  clientInternalId: string,
): Promise<ClientScopeSet> {
  const [scopes, mappers] = await db.batch([
    db.select().from(clientScopes).where(eq(clientScopes.realmId, realmId)),
    db
      .select(mapperColumns)
      .from(protocolMappers)
      .where(
        and(
          eq(protocolMappers.realmId, realmId),
          or(isNotNull(protocolMappers.scopeId), eq(protocolMappers.clientId, clientInternalId)),
        ),
      ),
  ]);

  const strip = ({ name, type, config }: (typeof mappers)[number]) => ({ name, type, config });
  return {
    realmScopes: scopes.map((scope) => ({
      name: scope.name,
      includeInTokenScope: scope.includeInTokenScope,
      consentScreenText: scope.consentScreenText,
      mappers: mappers.filter((m) => m.scopeId === scope.id).map(strip),
    })),
    clientMappers: mappers.filter((m) => m.clientId === clientInternalId).map(strip),
  };
}

/** The realm's own client scopes (names and consent texts), in name order. */
export async function listRealmClientScopes(db: Database, realmId: string) {
  return db
    .select({ name: clientScopes.name, consentScreenText: clientScopes.consentScreenText })
    .from(clientScopes)
    .where(eq(clientScopes.realmId, realmId))
    .orderBy(clientScopes.name);
}
