import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { existingUser } from "./realm-file";

/** A second person, for hints that name someone other than who is signed in. */
export const otherUser = { email: "alan@example.com", password: "alan-password-1" };

export const CONFIDENTIAL_SECRET = "conformance secret+with%odd:chars";
export const SERVICE_SECRET = "service secret";

/**
 * Writes the conformance realm: a confidential web app, a public app that wants EdDSA ID
 * tokens, a service client with a service account, two people, and open dynamic registration.
 */
export async function writeConformanceRealm(dir: string, appOrigin: string): Promise<string> {
  const redirect = { redirectUris: [`${appOrigin}/callback`] };
  const person = (email: string, password: string) => ({
    username: email,
    email,
    emailVerified: true,
    credentials: [{ type: "password", value: password }],
  });
  const realm = {
    realm: "conformance",
    clientRegistrationAnonymous: true,
    clients: [
      {
        clientId: "web-app",
        secret: CONFIDENTIAL_SECRET,
        ...redirect,
        attributes: { "post.logout.redirect.uris": `${appOrigin}/signed-out` },
      },
      {
        clientId: "eddsa-app",
        publicClient: true,
        ...redirect,
        attributes: { "id.token.signed.response.alg": "EdDSA" },
      },
      { clientId: "service", secret: SERVICE_SECRET, serviceAccountsEnabled: true },
    ],
    users: [
      person(existingUser.email, existingUser.password),
      person(otherUser.email, otherUser.password),
    ],
  };
  const path = join(dir, "conformance-realm.json");
  await writeFile(path, JSON.stringify(realm, null, 2));
  return path;
}
