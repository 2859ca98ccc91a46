import { and, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import { findClientById } from "../db/clients";
import { users } from "../db/schema";
import {
  createUser,
  DuplicateUserError,
  emailLookupKey,
  findUserById,
  lookupKey,
  type User,
} from "../db/users";
import { auditAccess, auditChange } from "./audit";
import { requireRole } from "./auth";
import { AdminError } from "./errors";
import { userCredentialRoutes } from "./user-credentials";
import { checkedUpdate, checkNewUser, profiledRepresentation } from "./user-profile-users";
import {
  newUserRepresentation,
  passwordCredential,
  userRepresentation,
  userUpdate,
} from "./user-representation";
import { userRoleMappingRoutes } from "./user-role-mappings";
import { userSessionRoutes } from "./user-sessions";
import { countUsers, replacePassword, searchUsers, type UserSearch } from "./user-store";
import { paging, readBody } from "./validate";

/** Keycloak's search parameters, from the query string. */
function userSearch(c: Context<AppEnv>): UserSearch {
  const query = c.req.query();
  const attributes = (query.q ?? "")
    .split(" ")
    .filter((pair) => pair !== "")
    .map((pair): [string, string] => {
      const at = pair.indexOf(":");
      if (at <= 0) throw AdminError.badRequest("Invalid q: expected key:value pairs");
      return [pair.slice(0, at), pair.slice(at + 1)];
    });
  return {
    search: query.search,
    username: query.username,
    email: query.email,
    firstName: query.firstName,
    lastName: query.lastName,
    exact: query.exact === "true",
    attributes,
  };
}

/** The user the path names, in the path's realm; 404 as Keycloak answers it otherwise. */
export async function pathUser(c: Context<AppEnv>) {
  const user = await findUserById(c.var.db, c.var.realm.id, c.req.param("id") ?? "");
  if (!user) throw AdminError.notFound("User not found");
  return user;
}

/** The columns a username change sets; Keycloak refuses one unless editUsernameAllowed. */
function usernameChange(c: Context<AppEnv>, user: User, username: string | undefined) {
  if (username === undefined || lookupKey(username) === user.usernameKey) return {};
  if (!c.var.realm.editUsernameAllowed) {
    throw AdminError.fieldError("username", "error-user-attribute-read-only");
  }
  if (user.serviceAccountClientId) {
    throw AdminError.fieldError("username", "error-user-attribute-read-only");
  }
  return { username, usernameKey: lookupKey(username) };
}

function conflict(error: unknown): unknown {
  if (error instanceof DuplicateUserError) {
    return AdminError.conflict(`User exists with same ${error.field}`);
  }
  const message = String((error as { cause?: unknown })?.cause ?? error);
  if (message.includes("users_realm_email") || message.includes("users.email_key")) {
    return AdminError.conflict("User exists with same email");
  }
  if (message.includes("users.username_key")) {
    return AdminError.conflict("User exists with same username");
  }
  return error;
}

/** `/admin/realms/{realm}/users`. */
export const userRoutes = new Hono<AppEnv>();

userRoutes.get("/", async (c) => {
  // The answer holds whole records, so view-users, not only query-users.
  requireRole(c, c.var.realm.name, "view-users");
  const found = await searchUsers(c.var.db, c.var.realm.id, userSearch(c), paging(c));
  for (const user of found) auditAccess(c, user.id, "ADMIN_READ");
  return c.json(found.map((user) => profiledRepresentation(c, userRepresentation(user))));
});

userRoutes.get("/count", async (c) => {
  requireRole(c, c.var.realm.name, "query-users");
  return c.json(await countUsers(c.var.db, c.var.realm.id, userSearch(c)));
});

userRoutes.post("/", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const body = await readBody(c, newUserRepresentation);
  checkNewUser(c, body);
  const user = await createUser(c.var.db, c.var.realm.id, {
    username: body.username,
    email: body.email ?? undefined,
    emailVerified: body.emailVerified,
    firstName: body.firstName ?? undefined,
    lastName: body.lastName ?? undefined,
    attributes: body.attributes ?? undefined,
    enabled: body.enabled,
    password: body.credentials?.[0]?.value,
  }).catch((error) => {
    throw conflict(error);
  });
  auditChange(c, "CREATE", "USER", `users/${user.id}`, body);
  auditAccess(c, user.id, "ADMIN_UPDATE");
  c.header(
    "Location",
    `${new URL(c.req.url).origin}/admin/realms/${c.var.realm.name}/users/${user.id}`,
  );
  return c.body(null, 201);
});

userRoutes.get("/:id", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const user = await pathUser(c);
  auditAccess(c, user.id, "ADMIN_READ");
  const owner = user.serviceAccountClientId
    ? await findClientById(c.var.db, user.serviceAccountClientId)
    : undefined;
  return c.json(profiledRepresentation(c, userRepresentation(user, owner?.clientId)));
});

userRoutes.put("/:id", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  const update = checkedUpdate(c, user, await readBody(c, userUpdate));
  const { email, username, ...rest } = update;
  const values = {
    ...rest,
    ...(email === undefined ? {} : { email, emailKey: email ? emailLookupKey(email) : null }),
    ...usernameChange(c, user, username),
  };
  if (Object.keys(values).length > 0) {
    await c.var.db
      .update(users)
      .set(values)
      .where(and(eq(users.id, user.id), eq(users.realmId, c.var.realm.id)))
      .catch((error) => {
        throw conflict(error);
      });
  }
  auditChange(c, "UPDATE", "USER", `users/${user.id}`, update);
  auditAccess(c, user.id, "ADMIN_UPDATE");
  return c.body(null, 204);
});

userRoutes.delete("/:id", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  await c.var.db.delete(users).where(eq(users.id, user.id));
  auditChange(c, "DELETE", "USER", `users/${user.id}`);
  return c.body(null, 204);
});

userRoutes.put("/:id/reset-password", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  if (user.serviceAccountClientId) throw AdminError.badRequest("A service account has no password");
  const credential = await readBody(c, passwordCredential);
  await replacePassword(c.var.db, user.id, credential.value);
  auditChange(c, "ACTION", "USER", `users/${user.id}/reset-password`);
  auditAccess(c, user.id, "ADMIN_UPDATE");
  return c.body(null, 204);
});

userRoutes.route("/:id", userRoleMappingRoutes);
userRoutes.route("/:id", userSessionRoutes);
userRoutes.route("/:id", userCredentialRoutes);
