import { env } from "cloudflare:test";
import { database } from "../../../src/db/client";
import { clearRealmCache } from "../../../src/http/realm-context";
import { importRealm } from "../../../src/realm-import/import-realm";

export const ORIGIN = "https://id.example";
export const SPA_REDIRECT = "https://spa.example/callback";
export const BACKEND_REDIRECT = "https://backend.example/cb";
export const BACKEND_SECRET = "backend secret+with%odd:chars";
export const USER_EMAIL = "ada@example.com";
export const USER_PASSWORD = "ada-password-1";

let counter = 0;

/** The realm roles every user of a realm gets (Keycloak's default role and what it holds). */
export function defaultRealmRoles(realm: string): string[] {
  return [`default-roles-${realm}`, "offline_access", "uma_authorization"];
}

/**
 * Imports a fresh realm with a public client `spa`, a confidential client `backend` and a user
 * `ada`, under a unique name so tests never share state.
 */
export async function seedRealm(settings: Record<string, unknown> = {}) {
  counter += 1;
  const name = `t${counter}-${crypto.randomUUID().slice(0, 8)}`;
  await importRealm(
    database(env.DB),
    {
      realm: name,
      clients: [
        {
          clientId: "spa",
          publicClient: true,
          redirectUris: [SPA_REDIRECT],
          attributes: { "post.logout.redirect.uris": "https://spa.example/signed-out" },
        },
        {
          clientId: "backend",
          secret: BACKEND_SECRET,
          redirectUris: [BACKEND_REDIRECT],
        },
      ],
      users: [
        {
          username: "ada",
          email: USER_EMAIL,
          firstName: "Ada",
          lastName: "Lovelace",
          emailVerified: true,
          credentials: [{ type: "password", value: USER_PASSWORD }],
        },
      ],
      ...settings,
    },
    { keyEncryptionSecret: env.KEY_ENCRYPTION_SECRET },
  );
  clearRealmCache();
  return {
    name,
    issuer: `${ORIGIN}/realms/${name}`,
    oidc: `${ORIGIN}/realms/${name}/protocol/openid-connect`,
  };
}
