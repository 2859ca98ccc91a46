import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The person the realm file defines, who signs in without registering. */
export const existingUser = {
  email: "grace@example.com",
  password: "grace-password-1",
  firstName: "Grace",
  lastName: "Hopper",
};

/**
 * Writes the e2e realm file: realm `e2e` with the public client `e2e-app`, whose redirect
 * targets are the callback server's, and one existing user.
 */
export async function writeRealmFile(dir: string, appOrigin: string): Promise<string> {
  const realm = {
    realm: "e2e",
    displayName: "Latchkey E2E",
    registrationAllowed: true,
    clients: [
      {
        clientId: "e2e-app",
        publicClient: true,
        redirectUris: [`${appOrigin}/callback`],
        attributes: {
          "post.logout.redirect.uris": `${appOrigin}/signed-out`,
          "pkce.code.challenge.method": "S256",
        },
      },
    ],
    users: [
      {
        username: existingUser.email,
        email: existingUser.email,
        emailVerified: true,
        firstName: existingUser.firstName,
        lastName: existingUser.lastName,
        credentials: [{ type: "password", value: existingUser.password }],
      },
    ],
  };
  const path = join(dir, "e2e-realm.json");
  await writeFile(path, JSON.stringify(realm, null, 2));
  return path;
}
