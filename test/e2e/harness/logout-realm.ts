import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { existingUser } from "./realm-file";

export interface LogoutRealmOrigins {
  /** Where the relying parties' browser redirects land. */
  app: string;
  /** Where their back-channel logout endpoints listen. */
  receiver: string;
}

/**
 * Writes the realm file for logout tests: realm `logout` with the existing user and public
 * clients registered the way an operator registers them in Keycloak: `rp` and `flaky` with
 * back-channel logout URLs, `front` with a front-channel logout URL, `quiet` with neither.
 */
export async function writeLogoutRealmFile(dir: string, origins: LogoutRealmOrigins) {
  const client = (clientId: string, attributes: Record<string, string>) => ({
    clientId,
    publicClient: true,
    redirectUris: [`${origins.app}/callback`],
    attributes: {
      "post.logout.redirect.uris": `${origins.app}/signed-out`,
      "pkce.code.challenge.method": "S256",
      ...attributes,
    },
  });
  const realm = {
    realm: "logout",
    clients: [
      client("rp", { "backchannel.logout.url": `${origins.receiver}/rp/logout` }),
      client("flaky", { "backchannel.logout.url": `${origins.receiver}/flaky/logout` }),
      client("front", { "frontchannel.logout.url": `${origins.app}/front/logout` }),
      client("quiet", {}),
    ],
    users: [
      {
        username: existingUser.email,
        email: existingUser.email,
        emailVerified: true,
        credentials: [{ type: "password", value: existingUser.password }],
      },
    ],
  };
  const path = join(dir, "logout-realm.json");
  await writeFile(path, JSON.stringify(realm, null, 2));
  return path;
}
