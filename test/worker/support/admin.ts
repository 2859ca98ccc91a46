import { env, SELF } from "cloudflare:test";
import { ensureBootstrap } from "../../../src/admin/bootstrap";
import { withRealmManagement } from "../../../src/admin/realm-management";
import { database } from "../../../src/db/client";
import { clearRealmCache } from "../../../src/http/realm-context";
import { tokenRequest } from "./oidc";
import { ORIGIN, SPA_REDIRECT, seedRealm, USER_EMAIL, USER_PASSWORD } from "./realm";

export const ADMIN_USERNAME = "root";
export const ADMIN_PASSWORD = "bootstrap password 1";

/** Creates the master realm and its administrator, as a deployment with the secrets set. */
export async function bootstrapMaster(): Promise<void> {
  await ensureBootstrap(
    { ...env, BOOTSTRAP_ADMIN_USERNAME: ADMIN_USERNAME, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD },
    database(env.DB),
  );
  clearRealmCache();
}

/** An access token from the password grant of a realm's direct-access client. */
export async function passwordToken(
  realm: string,
  clientId: string,
  username: string,
  password: string,
): Promise<string> {
  const oidc = `${ORIGIN}/realms/${realm}/protocol/openid-connect`;
  const fields = { grant_type: "password", client_id: clientId, username, password };
  const response = await tokenRequest(oidc, fields);
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** The bootstrap administrator's token, from master's `admin-cli`. */
export function masterAdminToken(): Promise<string> {
  return passwordToken("master", "admin-cli", ADMIN_USERNAME, ADMIN_PASSWORD);
}

/** What a test adds to the admin realm: clients, roles, groups and ada's groups and roles. */
export interface AdminRealmExtras {
  clients?: Record<string, unknown>[];
  roles?: { realm?: Record<string, unknown>[] };
  groups?: Record<string, unknown>[];
  userGroups?: string[];
  userRealmRoles?: string[];
  /** Other realm fields, e.g. `webhooks`. */
  settings?: Record<string, unknown>;
}

/**
 * A realm with `realm-management`, a direct-access client `cli` and the user `ada`, who
 * holds the given `realm-management` roles, with `extras` added.
 */
export function seedAdminRealm(adaRoles: string[] = [], extras: AdminRealmExtras = {}) {
  return seedRealm(
    withRealmManagement({
      ...extras.settings,
      clients: [
        { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT] },
        { clientId: "cli", publicClient: true, directAccessGrantsEnabled: true },
        ...(extras.clients ?? []),
      ],
      roles: extras.roles,
      groups: extras.groups,
      users: [
        {
          username: "ada",
          email: USER_EMAIL,
          credentials: [{ type: "password", value: USER_PASSWORD }],
          clientRoles: { "realm-management": adaRoles },
          realmRoles: extras.userRealmRoles,
          groups: extras.userGroups,
        },
      ],
    }),
  );
}

/** Calls the admin API with a bearer token. */
export function adminFetch(path: string, token: string | undefined, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (init.body) headers.set("content-type", "application/json");
  return SELF.fetch(`${ORIGIN}/admin/realms${path}`, { ...init, headers });
}

/** Sends JSON to the admin API. */
export function adminSend(method: string, path: string, token: string, body: unknown) {
  return adminFetch(path, token, { method, body: JSON.stringify(body) });
}
