import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../../src/crypto/digest";
import { verifyPassword } from "../../../src/crypto/password";
import { database } from "../../../src/db/client";
import { findClient } from "../../../src/db/clients";
import { findRealmByName } from "../../../src/db/realms";
import { clients, credentials, realms, users } from "../../../src/db/schema";
import { findLoginCandidate, findServiceAccount } from "../../../src/db/users";
import demoRealm from "../../../src/realm-import/demo-realm.json";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { realmFile, withClient } from "./fixtures";

const db = database(env.DB);

describe("importing a realm file like Keycloak's --import-realm", () => {
  it("imports the demo realm with its public client and a user who can sign in", async () => {
    expect(await importRealm(db, demoRealm)).toEqual({ realm: "demo", created: true });

    const realm = await findRealmByName(db, "demo");
    expect(realm).toMatchObject({ displayName: "Latchkey Demo", registrationAllowed: true });
    expect(realm).toMatchObject({ accessTokenLifespan: 300, failureFactor: 30 });

    const client = await findClient(db, realm?.id ?? "", "demo-app");
    const uris = ["http://localhost:3000/callback", "http://127.0.0.1:3000/callback"];
    expect(client).toMatchObject({ publicClient: true, pkceRequired: true, secretHash: null });
    expect(client?.redirectUris).toEqual(uris);
    expect(client?.postLogoutRedirectUris).toEqual(uris);
    expect(client?.webOrigins).toEqual(["http://localhost:3000", "http://127.0.0.1:3000"]);

    const candidate = await findLoginCandidate(db, realm?.id ?? "", "DEMO@example.com");
    expect(candidate?.user).toMatchObject({ email: "demo@example.com", emailVerified: true });
    const hash = candidate?.passwordHash ?? "";
    expect(await verifyPassword("demo-password-1", hash)).toMatchObject({ valid: true });
  });

  it("skips a realm that already exists and leaves it unchanged", async () => {
    await importRealm(db, realmFile("skipped"));
    const before = await findRealmByName(db, "skipped");

    const again = realmFile("skipped", { displayName: "Changed", users: [] });
    expect(await importRealm(db, again)).toEqual({ realm: "skipped", created: false });

    expect(await findRealmByName(db, "skipped")).toEqual(before);
  });

  it("stores a confidential client's secret only as its SHA-256", async () => {
    await importRealm(db, realmFile("hashed-secret"));
    const realm = await findRealmByName(db, "hashed-secret");

    const client = await findClient(db, realm?.id ?? "", "backend");

    expect(client?.publicClient).toBe(false);
    expect(client?.secretHash).toBe(await sha256("backend-secret-0123456789"));
    expect(JSON.stringify(client)).not.toContain("backend-secret-0123456789");
  });

  it("maps Keycloak's realm settings and ignores fields it does not know", async () => {
    const file = realmFile("settings", {
      enabled: false,
      registrationAllowed: false,
      accessTokenLifespan: 600,
      ssoSessionIdleTimeout: 900,
      ssoSessionMaxLifespan: 7200,
      bruteForceProtected: false,
      failureFactor: 5,
      waitIncrementSeconds: 30,
      maxFailureWaitSeconds: 300,
      maxDeltaTimeSeconds: 3600,
      defaultLocale: "de",
      id: "keycloak-internal-id",
      smtpServer: { host: "mail.example" },
    });

    await importRealm(db, file);

    expect(await findRealmByName(db, "settings")).toMatchObject({
      enabled: false,
      registrationAllowed: false,
      accessTokenLifespan: 600,
      ssoSessionIdleTimeout: 900,
      ssoSessionMaxLifespan: 7200,
      bruteForceProtected: false,
      failureFactor: 5,
      waitIncrementSeconds: 30,
      maxFailureWaitSeconds: 300,
      maxDeltaTimeSeconds: 3600,
      defaultLocale: "de",
    });
  });

  it("expands '+' and keeps the other '##'-separated post-logout redirect URIs", async () => {
    const client = {
      clientId: "app",
      publicClient: true,
      redirectUris: ["https://app.example/cb"],
      attributes: { "post.logout.redirect.uris": "+##https://app.example/bye" },
    };
    await importRealm(db, realmFile("post-logout", { clients: [client] }));
    const realm = await findRealmByName(db, "post-logout");

    const stored = await findClient(db, realm?.id ?? "", "app");

    expect(stored?.postLogoutRedirectUris).toEqual([
      "https://app.example/cb",
      "https://app.example/bye",
    ]);
    expect(stored?.pkceRequired).toBe(false);
  });
});

describe("device grant and token exchange switches (Keycloak's client attributes)", () => {
  it("turns each on only for the string true", async () => {
    const attributes = {
      "oauth2.device.authorization.grant.enabled": "true",
      "standard.token.exchange.enabled": "false",
    };
    await importRealm(db, withClient("switches", { attributes }));
    const realm = await findRealmByName(db, "switches");

    const stored = await findClient(db, realm?.id ?? "", "app");
    expect(stored).toMatchObject({ deviceGrantEnabled: true, tokenExchangeEnabled: false });
  });

  it("leaves both off when the attributes are absent", async () => {
    await importRealm(db, realmFile("no-switches"));
    const realm = await findRealmByName(db, "no-switches");

    const stored = await findClient(db, realm?.id ?? "", "backend");
    expect(stored).toMatchObject({ deviceGrantEnabled: false, tokenExchangeEnabled: false });
  });
});

describe("service accounts (Keycloak's serviceAccountsEnabled)", () => {
  const reports = { clientId: "Reports", secret: "reports-secret", serviceAccountsEnabled: true };

  /** The realm's users that are service accounts. */
  async function serviceAccounts(realmName: string) {
    const realm = await findRealmByName(db, realmName);
    const rows = await db
      .select()
      .from(users)
      .where(eq(users.realmId, realm?.id ?? ""));
    return rows.filter((row) => row.serviceAccountClientId !== null);
  }

  it("creates exactly one service account user for a client that enables them", async () => {
    const file = realmFile("service-accounts", { clients: [...realmFile("x").clients, reports] });

    await importRealm(db, file);

    const realm = await findRealmByName(db, "service-accounts");
    const client = await findClient(db, realm?.id ?? "", "Reports");
    const backend = await findClient(db, realm?.id ?? "", "backend");
    expect(client?.serviceAccountsEnabled).toBe(true);
    expect(backend?.serviceAccountsEnabled).toBe(false);
    const accounts = await serviceAccounts("service-accounts");
    expect(accounts).toHaveLength(1);
    // Keycloak's name for it, in lower case as Keycloak stores usernames.
    expect(accounts[0]).toMatchObject({
      username: "service-account-reports",
      email: null,
      emailKey: null,
      enabled: true,
      serviceAccountClientId: client?.id,
    });
    expect(await findServiceAccount(db, realm?.id ?? "", client?.id ?? "")).toEqual(accounts[0]);
    const passwords = await db
      .select()
      .from(credentials)
      .where(eq(credentials.userId, accounts[0]?.id ?? ""));
    expect(passwords).toEqual([]);
  });

  it("creates no second service account when the realm is imported again", async () => {
    const file = realmFile("service-accounts-again", { clients: [reports] });
    await importRealm(db, file);

    expect(await importRealm(db, file)).toEqual({
      realm: "service-accounts-again",
      created: false,
    });

    expect(await serviceAccounts("service-accounts-again")).toHaveLength(1);
  });

  it("takes a Keycloak-exported service account user as the client's own", async () => {
    const exported = { username: "service-account-reports", serviceAccountClientId: "Reports" };
    const ada = realmFile("x").users[0];
    const file = realmFile("service-accounts-export", {
      clients: [reports],
      users: [exported, ada],
    });

    await importRealm(db, file);

    expect(await serviceAccounts("service-accounts-export")).toHaveLength(1);
    const realm = await findRealmByName(db, "service-accounts-export");
    expect(await findLoginCandidate(db, realm?.id ?? "", "ada")).toBeDefined();
  });

  it("never offers a service account as a sign-in candidate", async () => {
    await importRealm(db, realmFile("service-accounts-login", { clients: [reports] }));
    const realm = await findRealmByName(db, "service-accounts-login");

    expect(
      await findLoginCandidate(db, realm?.id ?? "", "service-account-reports"),
    ).toBeUndefined();
  });
});

describe("an import that fails leaves nothing half-written", () => {
  it("refuses emails that differ only by case and Unicode form, importing nothing", async () => {
    const before = await countRows();
    const password = [{ type: "password", value: "pw-one-1" }];
    const file = realmFile("half-written", {
      users: [
        { username: "first", email: "Same@Example.com", credentials: password },
        { username: "second", email: "ｓａｍｅ@example.COM", credentials: password },
      ],
    });

    const failure = importRealm(db, file);

    await expect(failure).rejects.toThrow(ImportError);
    await expect(failure).rejects.toThrow(
      "$.users[1].email: another user in this realm already has this email",
    );
    expect(await findRealmByName(db, "half-written")).toBeUndefined();
    expect(await countRows()).toEqual(before);
  });

  it("writes nothing when validation fails", async () => {
    const before = await countRows();
    const file = realmFile("invalid", {
      users: [{ username: "x", credentials: [{ type: "otp" }] }],
    });

    await expect(importRealm(db, file)).rejects.toThrow(ImportError);

    expect(await countRows()).toEqual(before);
  });
});

/** How many rows each table the import writes holds. */
async function countRows() {
  return {
    realms: (await db.select().from(realms)).length,
    clients: (await db.select().from(clients)).length,
    users: (await db.select().from(users)).length,
    credentials: (await db.select().from(credentials)).length,
  };
}
