import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { credentials, users } from "../../../src/db/schema";
import fixtures from "../crypto/fixtures/legacy-hashes.json";
import { Browser } from "../support/browser";
import { signIn } from "../support/oidc";
import { ORIGIN, seedRealm, USER_EMAIL } from "../support/realm";
import { realmId } from "../support/store";

const db = database(env.DB);

/** The password hash stored for the realm's user `ada`. */
async function storedHash(realmName: string): Promise<string | null> {
  const [row] = await db
    .select({ hash: credentials.secretData })
    .from(credentials)
    .innerJoin(users, eq(users.id, credentials.userId))
    .where(and(eq(users.realmId, await realmId(realmName)), eq(users.username, "ada")));
  return row?.hash ?? null;
}

async function signInStatus(realmName: string, password: string): Promise<number> {
  const url = `${ORIGIN}/realms/${realmName}/login-actions/authenticate`;
  const response = await signIn(new Browser(), url, { username: USER_EMAIL, password });
  await response.body?.cancel();
  return response.status;
}

const storedPrefixes: Record<string, string> = {
  pbkdf2: "$pbkdf2$i=27500$",
  "pbkdf2-sha256": "$pbkdf2-sha256$i=27500$",
  "pbkdf2-sha512": "$pbkdf2-sha512$i=30000$",
  "pbkdf2-sha256 (pre-12 layout)": "$pbkdf2-sha256$i=20000$",
  argon2: "$argon2id$v=19$m=7168,t=5,p=1$",
  "bcrypt $2b$": "$2b$10$",
  "bcrypt $2y$": "$2y$06$",
};

describe("imported Keycloak password hashes keep working and move to scrypt", () => {
  for (const [name, credential] of Object.entries(fixtures.credentials)) {
    it(`signs in with a ${name} hash made elsewhere, then stores scrypt`, async () => {
      const user = { username: "ada", email: USER_EMAIL, credentials: [credential] };
      const realm = await seedRealm({ users: [user] });
      expect(await storedHash(realm.name)).toMatch(
        new RegExp(`^${storedPrefixes[name]?.replaceAll("$", "\\$")}`),
      );

      expect(await signInStatus(realm.name, `${fixtures.password}x`)).toBe(401);
      expect(await storedHash(realm.name)).not.toMatch(/^\$scrypt\$/);

      expect(await signInStatus(realm.name, fixtures.password)).toBe(303);
      expect(await storedHash(realm.name)).toMatch(/^\$scrypt\$ln=14,r=8,p=5\$/);
      expect(await signInStatus(realm.name, fixtures.password)).toBe(303);
      // Pure-JS PBKDF2 above WebCrypto's cap and Argon2 take seconds on a shared test machine.
    }, 30_000);
  }
});
