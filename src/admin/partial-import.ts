import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import { ImportError } from "../realm-import/import-error";
import { partialImport } from "../realm-import/partial-import";
import { ResourceExistsError } from "../realm-import/partial-import-plan";
import { auditChange } from "./audit";
import { requireRole } from "./auth";
import { AdminError } from "./errors";
import { parseWith, readBody } from "./validate";

const policy = z.enum(["FAIL", "SKIP", "OVERWRITE"], {
  error: "ifResourceExists must be FAIL, SKIP or OVERWRITE",
});

/**
 * Keycloak's `POST /admin/realms/{realm}/partialImport`: adds (or, with OVERWRITE, replaces) a
 * file's clients, client scopes, roles, groups and users in the realm and answers Keycloak's
 * PartialImportResults, plus `unsupported`, the parts of the file Latchkey has no model for.
 */
export const partialImportRoutes = new Hono<AppEnv>();

partialImportRoutes.post("/partialImport", async (c) => {
  const realm = c.var.realm;
  requireRole(c, realm.name, "manage-realm");
  const body = await readBody(c, z.record(z.string(), z.unknown()));
  if (Array.isArray(body.users) && body.users.length > 0) {
    requireRole(c, realm.name, "manage-users");
  }
  if (Array.isArray(body.clients) && body.clients.length > 0) {
    requireRole(c, realm.name, "manage-clients");
  }
  const ifExists = parseWith(policy, body.ifResourceExists ?? body.policy ?? "FAIL");

  try {
    const results = await partialImport(c.var.db, realm, body, ifExists, {
      keyEncryptionSecret: c.env.KEY_ENCRYPTION_SECRET,
    });
    const { added, skipped, overwritten } = results;
    auditChange(c, "CREATE", "REALM", "partialImport", {
      ifResourceExists: ifExists,
      added,
      skipped,
      overwritten,
    });
    return c.json(results);
  } catch (error) {
    if (error instanceof ImportError) throw AdminError.badRequest(error.message);
    if (error instanceof ResourceExistsError) throw AdminError.conflict(error.message);
    throw error;
  }
});
