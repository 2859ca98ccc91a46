import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hashPassword } from "../../../src/crypto/password";
import { database } from "../../../src/db/client";
import { credentials, users } from "../../../src/db/schema";
import { Browser } from "../support/browser";
import { signIn } from "../support/oidc";
import { ORIGIN, seedRealm, USER_EMAIL, USER_PASSWORD } from "../support/realm";
import { realmId } from "../support/store";

const db = database(env.DB);
const accountLogin = (name: string) => `${ORIGIN}/realms/${name}/login-actions/authenticate`;

/** Posts the sign-in form and returns status and body. */
async function attempt(url: string, username: string, password: string) {
  const response = await signIn(new Browser(), url, { username, password });
  return { status: response.status, body: await response.text(), response };
}

/** The page minus what legitimately differs per request (CSRF token, echoed login). */
function comparable(body: string, login: string) {
  return body.replace(/name="csrf_token" value="[^"]*"/g, "").replaceAll(login, "LOGIN");
}

describe("service accounts never sign in interactively", () => {
  it("refuses a service account like a wrong password, even with a password set", async () => {
    const realm = await seedRealm({
      clients: [{ clientId: "reports", secret: "reports-secret", serviceAccountsEnabled: true }],
      users: [
        {
          username: "ada",
          email: USER_EMAIL,
          credentials: [{ type: "password", value: USER_PASSWORD }],
        },
      ],
    });
    const [account] = await db
      .select()
      .from(users)
      .where(
        and(
          eq(users.realmId, await realmId(realm.name)),
          eq(users.username, "service-account-reports"),
        ),
      );
    // A state no import or form can reach: the refusal must not rest on the missing password.
    await db.insert(credentials).values({
      id: crypto.randomUUID(),
      userId: account?.id ?? "",
      type: "password",
      secretData: await hashPassword(USER_PASSWORD),
      createdAt: 0,
    });
    const url = accountLogin(realm.name);

    const wrong = await attempt(url, USER_EMAIL, "not-the-password");
    const service = await attempt(url, "service-account-reports", USER_PASSWORD);

    expect(service.status).toBe(401);
    expect(service.response.headers.getSetCookie().join()).not.toContain("lk_sso_");
    expect(comparable(service.body, "service-account-reports")).toBe(
      comparable(wrong.body, USER_EMAIL),
    );
  });
});
