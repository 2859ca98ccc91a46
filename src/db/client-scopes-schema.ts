import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { clients, realms } from "./schema";

const flag = (name: string) => integer(name, { mode: "boolean" });

/** Realm-defined client scopes (Keycloak's clientScopes of protocol openid-connect). */
export const clientScopes = sqliteTable(
  "client_scopes",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Keycloak's description, for administrators. */
    description: text("description"),
    /** Keycloak's `include.in.token.scope`: named in the token's `scope` when granted. */
    includeInTokenScope: flag("include_in_token_scope").notNull().default(true),
    /** Keycloak's `consent.screen.text`; null shows the scope's name. */
    consentScreenText: text("consent_screen_text"),
  },
  (t) => [uniqueIndex("client_scopes_realm_name").on(t.realmId, t.name)],
);

/** Protocol mappers of a realm client scope or of one client (Keycloak's protocolMappers). */
export const protocolMappers = sqliteTable(
  "protocol_mappers",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    /** Exactly one of scopeId and clientId is set. */
    scopeId: text("scope_id").references(() => clientScopes.id, { onDelete: "cascade" }),
    clientId: text("client_id").references(() => clients.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Keycloak's `protocolMapper` id, e.g. `oidc-usermodel-attribute-mapper`. */
    type: text("type").notNull(),
    config: text("config", { mode: "json" }).$type<Record<string, string>>().notNull(),
  },
  (t) => [index("protocol_mappers_realm").on(t.realmId)],
);
