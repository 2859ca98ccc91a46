import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { clientScopes } from "./client-scopes-schema";
import { clients, realms, users } from "./schema";

/**
 * Keycloak's roles: realm roles (no client) and client roles. `containerId` is the realm's id
 * for a realm role and the client's row id for a client role, so names are unique per
 * container (SQLite would let NULL client ids repeat a name).
 */
export const roles = sqliteTable(
  "roles",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    clientId: text("client_id").references(() => clients.id, { onDelete: "cascade" }),
    containerId: text("container_id").notNull(),
    name: text("name").notNull(),
    description: text("description"),
  },
  (t) => [uniqueIndex("roles_container_name").on(t.containerId, t.name)],
);

/** A composite role's members; expanded transitively, never in a cycle. */
export const roleComposites = sqliteTable(
  "role_composites",
  {
    roleId: text("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
    childRoleId: text("child_role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.roleId, t.childRoleId] })],
);

/** Roles granted to a user directly (Keycloak's role mappings). */
export const userRoles = sqliteTable(
  "user_roles",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    roleId: text("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] }), index("user_roles_role").on(t.roleId)],
);

/** Groups form a tree; `path` is Keycloak's `/parent/child`, unique in the realm. */
export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    parentId: text("parent_id").references((): AnySQLiteColumn => groups.id, {
      onDelete: "cascade",
    }),
    name: text("name").notNull(),
    path: text("path").notNull(),
    /** One of the realm's default groups, which every new user joins. */
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("groups_realm_path").on(t.realmId, t.path),
    index("groups_parent").on(t.parentId),
  ],
);

/** Roles granted to every member of a group and of its subgroups. */
export const groupRoles = sqliteTable(
  "group_roles",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    roleId: text("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.roleId] })],
);

export const groupMembers = sqliteTable(
  "group_members",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index("group_members_user").on(t.userId)],
);

/**
 * Keycloak's scope mappings of a client: the roles its tokens may carry when it does not have
 * the full scope (`fullScopeAllowed` false), besides its own client roles.
 */
export const clientScopeRoles = sqliteTable(
  "client_scope_roles",
  {
    clientId: text("client_id")
      .notNull()
      .references(() => clients.id, { onDelete: "cascade" }),
    roleId: text("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.roleId] })],
);

/**
 * Keycloak's scope mappings of a realm client scope: roles the tokens of a client without the
 * full scope may carry when the client scope applies (a default scope, or a requested optional
 * one).
 */
export const clientScopeScopeMappings = sqliteTable(
  "client_scope_scope_mappings",
  {
    scopeId: text("scope_id")
      .notNull()
      .references(() => clientScopes.id, { onDelete: "cascade" }),
    roleId: text("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.scopeId, t.roleId] }),
    index("client_scope_scope_mappings_role").on(t.roleId),
  ],
);
