import { and, asc, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import { credentials } from "../db/schema";
import { auditAccess, auditChange } from "./audit";
import { requireRole } from "./auth";
import { AdminError } from "./errors";
import { pathUser } from "./users";

const MAX_LABEL_LENGTH = 255;

type CredentialRow = typeof credentials.$inferSelect;

/** Keycloak's CredentialRepresentation without its secret: what it is, not what it holds. */
function credentialRepresentation(row: CredentialRow) {
  return {
    id: row.id,
    type: row.type,
    userLabel: row.userLabel ?? undefined,
    createdDate: row.createdAt * 1000,
  };
}

/** The path user's credential with the path's id, or Keycloak's 404. */
async function pathCredential(c: Context<AppEnv>, userId: string): Promise<CredentialRow> {
  const row = await c.var.db.query.credentials.findFirst({
    where: and(eq(credentials.userId, userId), eq(credentials.id, c.req.param("credId") ?? "")),
  });
  if (!row) throw AdminError.notFound("Credential not found");
  return row;
}

/** `/admin/realms/{realm}/users/{id}/credentials`: list, remove and label a user's credentials. */
export const userCredentialRoutes = new Hono<AppEnv>();

userCredentialRoutes.get("/credentials", async (c) => {
  requireRole(c, c.var.realm.name, "view-users");
  const user = await pathUser(c);
  const rows = await c.var.db
    .select()
    .from(credentials)
    .where(eq(credentials.userId, user.id))
    .orderBy(asc(credentials.createdAt));
  auditAccess(c, user.id, "ADMIN_READ");
  return c.json(rows.map(credentialRepresentation));
});

userCredentialRoutes.delete("/credentials/:credId", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  const row = await pathCredential(c, user.id);
  await c.var.db.delete(credentials).where(eq(credentials.id, row.id));
  auditChange(c, "ACTION", "USER", `users/${user.id}/credentials/${row.id}`);
  auditAccess(c, user.id, "ADMIN_UPDATE");
  return c.body(null, 204);
});

// Keycloak takes the label as the plain-text body; an empty one removes it.
userCredentialRoutes.put("/credentials/:credId/userLabel", async (c) => {
  requireRole(c, c.var.realm.name, "manage-users");
  const user = await pathUser(c);
  const row = await pathCredential(c, user.id);
  const label = (await c.req.text()).trim();
  if (label.length > MAX_LABEL_LENGTH) {
    throw AdminError.badRequest(`userLabel: at most ${MAX_LABEL_LENGTH} characters`);
  }
  if (/\p{Cc}/u.test(label))
    throw AdminError.badRequest("userLabel: must not hold control characters");
  await c.var.db
    .update(credentials)
    .set({ userLabel: label === "" ? null : label })
    .where(eq(credentials.id, row.id));
  auditChange(c, "ACTION", "USER", `users/${user.id}/credentials/${row.id}/userLabel`);
  auditAccess(c, user.id, "ADMIN_UPDATE");
  return c.body(null, 204);
});
