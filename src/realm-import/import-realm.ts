import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { findRealmByName } from "../db/realms";
import { clients, realms, users, webhookEndpoints } from "../db/schema";
import { createUser, DuplicateUserError } from "../db/users";
import { webhookRows } from "./event-settings";
import { ImportError, jsonPath } from "./import-error";
import { type RealmRepresentation, realmRepresentation } from "./representation";
import { clientRow, newUser, realmRow, serviceAccountRows } from "./rows";

export interface ImportResult {
  realm: string;
  created: boolean;
}

/** What an import may need besides the database. */
export interface ImportOptions {
  /** Seals the secrets of client-secret-jwt clients, which must be kept, not only hashed. */
  keyEncryptionSecret?: string;
  /** Lets webhook URLs name loopback and private addresses (WEBHOOKS_ALLOW_PRIVATE_TARGETS). */
  allowPrivateWebhookTargets?: boolean;
}

/**
 * Imports a realm from a Keycloak-shaped realm representation. Like Keycloak's
 * `--import-realm`, a realm that already exists is left as it is.
 */
export async function importRealm(
  db: Database,
  representation: unknown,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const rep = validate(representation);
  const secret = options.keyEncryptionSecret;
  checkSealable(rep, secret);

  if (await findRealmByName(db, rep.realm)) return { realm: rep.realm, created: false };

  const now = Math.floor(Date.now() / 1000);
  const realm = realmRow(rep, now);
  const clientRows = await Promise.all(
    (rep.clients ?? []).map((c) => clientRow(c, realm.id, now, secret)),
  );
  const insertClients = clientRows.map((row) => db.insert(clients).values(row));
  const hooks = await webhookRows(
    rep,
    realm.id,
    secret,
    options.allowPrivateWebhookTargets ?? false,
  );
  // Service accounts have no password to hash, so they join the realm's own batch.
  const insertServiceAccounts = serviceAccountRows(clientRows, realm.id, now).map((row) =>
    db.insert(users).values(row),
  );

  try {
    await db.batch([
      db.insert(realms).values(realm),
      ...insertClients,
      ...insertServiceAccounts,
      ...hooks.map((row) => db.insert(webhookEndpoints).values(row)),
    ]);
  } catch (error) {
    // Another import of the same realm won the race: skip, as if it had been there before.
    if (await findRealmByName(db, rep.realm)) return { realm: rep.realm, created: false };
    throw error;
  }

  try {
    await createUsers(db, realm.id, rep);
  } catch (error) {
    // createUser writes one user per batch: remove the realm so no part of it stays behind.
    await db.delete(realms).where(eq(realms.id, realm.id));
    throw error;
  }
  return { realm: rep.realm, created: true };
}

/** A client-secret-jwt secret is stored sealed; without the deployment secret it cannot be. */
function checkSealable(rep: RealmRepresentation, secret: string | undefined): void {
  if (secret !== undefined) return;
  const index = (rep.clients ?? []).findIndex(
    (c) => !c.publicClient && c.clientAuthenticatorType === "client-secret-jwt",
  );
  if (index < 0) return;
  // TODO(import-sealed-secrets): the CLI imports without KEY_ENCRYPTION_SECRET, so such
  // clients can only be seeded from inside the worker; passing the secret would close it.
  const message = "client-secret-jwt clients can only be imported with KEY_ENCRYPTION_SECRET";
  throw ImportError.at(["clients", index, "clientAuthenticatorType"], message);
}

function validate(representation: unknown): RealmRepresentation {
  const result = realmRepresentation.safeParse(representation);
  if (result.success) return result.data;

  const issues = result.error.issues.map((issue) => ({
    path: jsonPath(issue.path),
    message: issue.message,
  }));
  throw new ImportError(issues);
}

async function createUsers(db: Database, realmId: string, rep: RealmRepresentation) {
  for (const [index, user] of (rep.users ?? []).entries()) {
    // A Keycloak export lists service accounts as users; theirs was made with the client.
    if (user.serviceAccountClientId) continue;
    try {
      await createUser(db, realmId, newUser(user));
    } catch (error) {
      if (!(error instanceof DuplicateUserError)) throw error;
      // A user without a username gets their email as username, so the email is to blame.
      const field = user.username ? error.field : "email";
      const message = `another user in this realm already has this ${error.field}`;
      throw ImportError.at(["users", index, field], message);
    }
  }
}
