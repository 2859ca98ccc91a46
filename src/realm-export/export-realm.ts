import { realmRepresentation } from "../admin/realms";
import type { Database } from "../db/client";
import type { Realm } from "../db/realms";
import { unsealWebhookSecret } from "../webhooks/secret";
import { clientRepresentation, clientScopeRepresentation, type SecretAccess } from "./clients";
import { loadRealmConfiguration, loadRealmUsers, type RealmConfiguration } from "./load";
import { RoleNamer } from "./role-names";
import { groupsRepresentation, rolesRepresentation, scopeMappingsRepresentation } from "./roles";
import { usersRepresentation } from "./users";

/** What an export carries besides the realm's settings. */
export interface ExportOptions {
  clients: boolean;
  groupsAndRoles: boolean;
  /** Users with role mappings and groups (a Latchkey full export; Keycloak's has none). */
  users: boolean;
  /** Secrets, webhook secrets and password hashes; masked or left out without it. */
  secrets?: SecretAccess;
}

/**
 * A realm as Keycloak's RealmRepresentation, in the shape our import reads back. The ids of
 * the users exported are returned too, for the data-access trail.
 */
export async function exportRealm(db: Database, realm: Realm, options: ExportOptions) {
  const config = await loadRealmConfiguration(db, realm.id);
  const namer = new RoleNamer(
    config.roles,
    new Map(config.clients.map((client) => [client.id, client.clientId])),
  );
  const rep: Record<string, unknown> = { ...realmSettings(realm) };

  if (options.groupsAndRoles) {
    rep.roles = rolesRepresentation(config, namer);
    rep.groups = groupsRepresentation(config, namer);
    rep.defaultGroups = config.groups.filter((group) => group.isDefault).map((group) => group.path);
  }
  rep.clientScopes = config.clientScopes.map((scope) =>
    clientScopeRepresentation(
      scope,
      config.protocolMappers.filter((mapper) => mapper.scopeId === scope.id),
    ),
  );
  if (options.clients) {
    rep.clients = await Promise.all(
      config.clients.map((client) =>
        clientRepresentation(
          client,
          config.protocolMappers.filter((mapper) => mapper.clientId === client.id),
          options.secrets,
        ),
      ),
    );
    Object.assign(rep, scopeMappingsRepresentation(config, namer));
  }
  if (!options.users) return { representation: rep, userIds: [] };

  // TODO(realm-export-size): every user, credential and membership is read in one batch and
  // answered in one body; a realm of some hundred thousand users could exceed the isolate's
  // 128 MB. Paging users (Keycloak's usersExportStrategy) would close it.
  const data = await loadRealmUsers(db, realm.id);
  rep.users = usersRepresentation(data, config, namer, options.secrets !== undefined);
  rep.webhooks = await webhooks(config, options.secrets);
  return { representation: rep, userIds: data.users.map((user) => user.id) };
}

/** The realm's settings, as our import and Keycloak name them. */
function realmSettings(realm: Realm) {
  return {
    ...realmRepresentation(realm),
    clientRegistrationAnonymous: realm.clientRegistrationAnonymous,
    defaultSignatureAlgorithm: realm.defaultSignatureAlgorithm ?? undefined,
    dpopNonceRequired: realm.dpopNonceRequired,
    enabledEventTypes: realm.enabledEventTypes ?? undefined,
    eventsExpiration: realm.eventsExpiration ?? undefined,
    attributes: { eventsIpTruncation: String(realm.eventsIpTruncation) },
  };
}

/** Latchkey's webhooks; their `whsec_` secrets only with secrets (an import makes new ones). */
async function webhooks(config: RealmConfiguration, secrets: SecretAccess | undefined) {
  return Promise.all(
    config.webhooks.map(async (hook) => ({
      url: hook.url,
      eventTypes: hook.eventTypes,
      secret: secrets
        ? await unsealWebhookSecret(secrets.keyEncryptionSecret, hook.id, hook.secretSealed)
        : undefined,
    })),
  );
}
