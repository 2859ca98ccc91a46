import type { Context } from "hono";
import type { AppEnv } from "../config";
import { type AdminChange, recordAdminEvent } from "../events/admin-events";
import { recordAdminAccess, recordAdminReads } from "../events/data-access";
import { afterResponse } from "../events/record";
import { logEvent } from "../http/log";

function recorded(c: Context<AppEnv>, work: Promise<unknown>) {
  afterResponse(
    c,
    work.catch(() => logEvent("event.record_failed", { realm: c.var.realm?.id })),
  );
}

/** Records a change made through the admin API as Keycloak's admin event, after the response. */
export function auditChange(
  c: Context<AppEnv>,
  operationType: AdminChange["operationType"],
  resourceType: string,
  resourcePath: string,
  representation?: unknown,
): void {
  const admin = c.var.admin;
  const change: AdminChange = {
    operationType,
    resourceType,
    resourcePath,
    authRealmId: admin?.realm.id,
    authClientId: admin?.clientId,
    authUserId: admin?.userId,
    ipHeader: c.req.header("cf-connecting-ip"),
    representation,
  };
  recorded(c, recordAdminEvent(c.var.db, c.var.realm, change));
}

/** Records that an administrator read or changed a person's record (the data-access trail). */
export function auditAccess(
  c: Context<AppEnv>,
  userId: string,
  action: "ADMIN_READ" | "ADMIN_UPDATE",
): void {
  const admin = c.var.admin;
  if (!admin) return;
  const access = {
    realmId: c.var.realm.id,
    userId,
    adminUserId: admin.userId,
    clientId: admin.clientId,
  };
  recorded(c, recordAdminAccess(c.var.db, access, action));
}

/** Records an administrator's read of many people's records (a full export), in one batch. */
export function auditReads(c: Context<AppEnv>, userIds: readonly string[]): void {
  const admin = c.var.admin;
  if (!admin || userIds.length === 0) return;
  const access = { realmId: c.var.realm.id, adminUserId: admin.userId, clientId: admin.clientId };
  recorded(c, recordAdminReads(c.var.db, access, userIds));
}
