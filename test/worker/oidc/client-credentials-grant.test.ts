import { env, SELF } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { clients, refreshTokens, sessions, users } from "../../../src/db/schema";
import { basicAuthorization, publishedKeySet } from "../support/clients";
import { tokenRequest } from "../support/oidc";
import {
  BACKEND_REDIRECT,
  BACKEND_SECRET,
  defaultRealmRoles,
  SPA_REDIRECT,
  seedRealm,
} from "../support/realm";
import { realmId } from "../support/store";

const db = database(env.DB);

const REPORTS_SECRET = "reports secret+with%odd:chars";

/** A realm whose confidential client `Reports` has a service account; `backend` has none. */
function seedServiceAccountRealm() {
  return seedRealm({
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT] },
      { clientId: "backend", secret: BACKEND_SECRET, redirectUris: [BACKEND_REDIRECT] },
      { clientId: "Reports", secret: REPORTS_SECRET, serviceAccountsEnabled: true },
    ],
  });
}

const reportsAuthorization = () => basicAuthorization("Reports", REPORTS_SECRET);

/** A client_credentials request from `Reports` with client_secret_basic. */
function reportsRequest(oidc: string, fields: Record<string, string> = {}) {
  return tokenRequest(
    oidc,
    { grant_type: "client_credentials", ...fields },
    { authorization: reportsAuthorization() },
  );
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

/** The service account user of a client, read from D1. */
async function serviceAccountOf(realmName: string, clientId: string) {
  const id = await realmId(realmName);
  const client = await db.query.clients.findFirst({
    where: and(eq(clients.realmId, id), eq(clients.clientId, clientId)),
  });
  const rows = await db
    .select()
    .from(users)
    .where(eq(users.serviceAccountClientId, client?.id ?? ""));
  expect(rows).toHaveLength(1);
  return rows[0] as typeof users.$inferSelect;
}

describe("client_credentials grant (RFC 6749 §4.4)", () => {
  it("answers an access token only, authenticating with client_secret_basic", async () => {
    const realm = await seedServiceAccountRealm();

    const response = await reportsRequest(realm.oidc);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 300,
      refresh_expires_in: 0,
      scope: "profile email",
      "not-before-policy": 0,
    });
    expect(body).not.toHaveProperty("refresh_token");
    expect(body).not.toHaveProperty("id_token");
    expect(body).not.toHaveProperty("session_state");
  });

  it("accepts client_secret_post", async () => {
    const realm = await seedServiceAccountRealm();

    const response = await tokenRequest(realm.oidc, {
      grant_type: "client_credentials",
      client_id: "Reports",
      client_secret: REPORTS_SECRET,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: "Bearer" });
  });

  it("issues an RFC 9068 access token for the service account, without a session", async () => {
    const realm = await seedServiceAccountRealm();
    const account = await serviceAccountOf(realm.name, "Reports");

    const { access_token } = (await (await reportsRequest(realm.oidc)).json()) as {
      access_token: string;
    };
    const { payload, protectedHeader } = await jwtVerify(
      access_token,
      await publishedKeySet(realm.oidc),
      { issuer: realm.issuer, audience: "Reports", typ: "at+jwt" },
    );

    expect(protectedHeader).toMatchObject({ typ: "at+jwt", kid: expect.any(String) });
    expect(payload).toEqual({
      iss: realm.issuer,
      sub: account.id,
      aud: "Reports",
      exp: (payload.iat ?? 0) + 300,
      iat: expect.any(Number),
      jti: expect.any(String),
      client_id: "Reports",
      azp: "Reports",
      typ: "Bearer",
      scope: "profile email",
      realm_access: { roles: defaultRealmRoles(realm.name) },
      preferred_username: "service-account-reports",
    });
  });

  it("takes a known scope and grants it with the default scopes", async () => {
    const realm = await seedServiceAccountRealm();

    const response = await reportsRequest(realm.oidc, { scope: "openid roles" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body.scope).toBe("openid roles profile email");
    expect(decodeJwt(body.access_token ?? "").scope).toBe("openid roles profile email");
    // The grant has no End-User authentication, so `openid` brings no ID token.
    expect(body).not.toHaveProperty("id_token");
  });

  it("refuses an unknown scope with invalid_scope", async () => {
    const realm = await seedServiceAccountRealm();

    await expectError(
      await reportsRequest(realm.oidc, { scope: "email payroll" }),
      400,
      "invalid_scope",
    );
  });

  it("refuses a public client (no secret to prove) with 401 invalid_client", async () => {
    const realm = await seedServiceAccountRealm();
    // The import refuses this flag on a public client: set it here, so publicness alone decides.
    await db
      .update(clients)
      .set({ serviceAccountsEnabled: true })
      .where(and(eq(clients.realmId, await realmId(realm.name)), eq(clients.clientId, "spa")));

    const response = await tokenRequest(realm.oidc, {
      grant_type: "client_credentials",
      client_id: "spa",
    });
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
    await expectError(response, 401, "invalid_client");
  });

  it("refuses a client without service accounts with unauthorized_client", async () => {
    const realm = await seedServiceAccountRealm();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "client_credentials" },
      { authorization: basicAuthorization("backend", BACKEND_SECRET) },
    );
    await expectError(response, 400, "unauthorized_client");
  });

  it("refuses a wrong secret with 401 invalid_client", async () => {
    const realm = await seedServiceAccountRealm();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "client_credentials" },
      { authorization: basicAuthorization("Reports", `${REPORTS_SECRET}x`) },
    );
    await expectError(response, 401, "invalid_client");
  });

  it("refuses a client whose service account is disabled with unauthorized_client", async () => {
    const realm = await seedServiceAccountRealm();
    const account = await serviceAccountOf(realm.name, "Reports");
    await db.update(users).set({ enabled: false }).where(eq(users.id, account.id));

    await expectError(await reportsRequest(realm.oidc), 400, "unauthorized_client");
  });

  it("starts no session and stores no refresh token", async () => {
    const realm = await seedServiceAccountRealm();
    const account = await serviceAccountOf(realm.name, "Reports");

    expect((await reportsRequest(realm.oidc)).status).toBe(200);
    expect((await reportsRequest(realm.oidc, { scope: "openid" })).status).toBe(200);

    const sessionRows = await db.select().from(sessions).where(eq(sessions.userId, account.id));
    const tokenRows = await db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, account.id));
    expect([sessionRows.length, tokenRows.length]).toEqual([0, 0]);
  });
});

describe("service account tokens elsewhere", () => {
  it("are refused at UserInfo with invalid_token: no End-User signed in", async () => {
    const realm = await seedServiceAccountRealm();
    const { access_token } = (await (
      await reportsRequest(realm.oidc, { scope: "openid" })
    ).json()) as {
      access_token: string;
    };

    const response = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(((await response.json()) as { error: string }).error).toBe("invalid_token");
  });

  it("are advertised: discovery lists client_credentials (RFC 8414 §2)", async () => {
    const realm = await seedServiceAccountRealm();

    const response = await SELF.fetch(`${realm.issuer}/.well-known/openid-configuration`);
    const config = (await response.json()) as { grant_types_supported: string[] };
    expect(config.grant_types_supported).toContain("client_credentials");
  });
});
