import { env, SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { sessions } from "../../../src/db/schema";
import { readForm } from "../support/browser";
import {
  backendAuthorization,
  backendCode,
  basicAuthorization,
  exchangeBackendCode,
} from "../support/clients";
import { postForm, signInAndExchange, spaRefresh, tokenRequest } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, seedRealm } from "../support/realm";
import { disableClient, signAsRealm } from "../support/store";

type Tokens = Record<string, string>;
type Introspection = Record<string, unknown>;

function introspectRequest(oidc: string, fields: Record<string, string>, headers = {}) {
  return postForm(`${oidc}/token/introspect`, fields, headers);
}

/** The confidential `backend` client asks about a token, as a resource server does. */
async function introspect(oidc: string, token: string, extra: Record<string, string> = {}) {
  const response = await introspectRequest(
    oidc,
    { token, ...extra },
    { authorization: backendAuthorization() },
  );
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return (await response.json()) as Introspection;
}

async function expectInactive(oidc: string, token: string) {
  // RFC 7662 §2.2: an inactive token reveals nothing else.
  expect(await introspect(oidc, token)).toEqual({ active: false });
}

async function signOut(
  browser: Awaited<ReturnType<typeof signInAndExchange>>["browser"],
  oidc: string,
) {
  const page = await browser.get(`${oidc}/logout`);
  const { action, hidden } = readForm(await page.text(), oidc);
  expect((await browser.post(action, hidden)).status).toBe(200);
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

describe("introspecting access tokens (RFC 7662 §2.2)", () => {
  it("answers an active access token with its claims, as Keycloak does", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const claims = decodeJwt(tokens.access_token ?? "");

    const answer = await introspect(realm.oidc, tokens.access_token ?? "");
    expect(answer).toMatchObject({
      active: true,
      scope: "openid profile email",
      client_id: "spa",
      username: "ada",
      token_type: "Bearer",
      typ: "Bearer",
      exp: claims.exp,
      iat: claims.iat,
      sub: claims.sub,
      aud: "spa",
      iss: realm.issuer,
      jti: claims.jti,
      sid: claims.sid,
      azp: "spa",
    });
  });

  it("answers a confidential client's own access token", async () => {
    const realm = await seedRealm();
    const tokens = (await (
      await exchangeBackendCode(realm.oidc, await backendCode(realm.oidc))
    ).json()) as Tokens;

    expect(await introspect(realm.oidc, tokens.access_token ?? "")).toMatchObject({
      active: true,
      client_id: "backend",
    });
  });

  it("authenticates the caller with client_secret_post too", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await introspectRequest(realm.oidc, {
      client_id: "backend",
      client_secret: BACKEND_SECRET,
      token: tokens.access_token ?? "",
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Introspection).active).toBe(true);
  });

  it("ignores token_type_hint, known or not (RFC 7662 §2.1)", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const token = tokens.access_token ?? "";

    for (const hint of ["access_token", "refresh_token", "something_else"]) {
      const answer = await introspect(realm.oidc, token, { token_type_hint: hint });
      expect(answer).toMatchObject({ active: true, token_type: "Bearer" });
    }
  });

  it("writes nothing: the session's last activity stays as it was", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const db = database((env as unknown as Env).DB);
    const sid = String(decodeJwt(tokens.access_token ?? "").sid);
    const before = await db.query.sessions.findFirst({ where: eq(sessions.id, sid) });
    // Moved back, so a touch by introspection would show even within the same second.
    await db
      .update(sessions)
      .set({ lastSeenAt: (before?.lastSeenAt ?? 0) - 5 })
      .where(eq(sessions.id, sid));

    await introspect(realm.oidc, tokens.access_token ?? "");
    const after = await db.query.sessions.findFirst({ where: eq(sessions.id, sid) });
    expect(after?.lastSeenAt).toBe((before?.lastSeenAt ?? 0) - 5);
  });
});

describe("access tokens that are not active (RFC 7662 §2.2)", () => {
  it("answers only active: false to a value that is not a token", async () => {
    const realm = await seedRealm();

    await expectInactive(realm.oidc, "garbage");
  });

  it("answers inactive to a tampered access token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const token = tokens.access_token ?? "";
    const last = token.at(-2) === "A" ? "B" : "A";

    await expectInactive(realm.oidc, `${token.slice(0, -2)}${last}${token.at(-1)}`);
  });

  it("answers inactive to an expired access token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const now = Math.floor(Date.now() / 1000);
    const expired = await signAsRealm(
      realm.name,
      { ...decodeJwt(tokens.access_token ?? ""), iat: now - 600, exp: now - 1 },
      { typ: "at+jwt" },
    );

    await expectInactive(realm.oidc, expired);
  });

  it("answers inactive to another realm's access token", async () => {
    const realm = await seedRealm();
    const other = await seedRealm();
    const { tokens } = await signInAndExchange(other.oidc);

    await expectInactive(realm.oidc, tokens.access_token ?? "");
  });

  it("answers inactive once the person has signed out", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    await signOut(browser, realm.oidc);

    await expectInactive(realm.oidc, tokens.access_token ?? "");
  });

  it("answers inactive to a well-signed token of a session that never was", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const forged = await signAsRealm(
      realm.name,
      { ...decodeJwt(tokens.access_token ?? ""), sid: "no-such-session" },
      { typ: "at+jwt" },
    );

    await expectInactive(realm.oidc, forged);
  });

  it("answers inactive once the client it was issued to is disabled", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    await disableClient(realm.name, "spa");

    await expectInactive(realm.oidc, tokens.access_token ?? "");
  });

  it("answers inactive to an ID token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    await expectInactive(realm.oidc, tokens.id_token ?? "");
  });
});

describe("access tokens without a session (RFC 7662 §2.2, RFC 6749 §4.4)", () => {
  it("answers a client_credentials token as active, for the service account", async () => {
    const realm = await seedRealm({
      clients: [
        { clientId: "backend", secret: BACKEND_SECRET, redirectUris: [BACKEND_REDIRECT] },
        { clientId: "reports", secret: "reports-secret", serviceAccountsEnabled: true },
      ],
    });
    const issued = await tokenRequest(
      realm.oidc,
      { grant_type: "client_credentials" },
      { authorization: basicAuthorization("reports", "reports-secret") },
    );
    const tokens = (await issued.json()) as Tokens;

    expect(await introspect(realm.oidc, tokens.access_token ?? "")).toMatchObject({
      active: true,
      client_id: "reports",
      username: "service-account-reports",
      token_type: "Bearer",
    });
  });

  it("answers a session-less token as active while its user and client are enabled", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const { sid: _, ...claims } = decodeJwt(tokens.access_token ?? "");
    const sessionless = await signAsRealm(realm.name, claims, { typ: "at+jwt" });

    expect((await introspect(realm.oidc, sessionless)).active).toBe(true);
    await disableClient(realm.name, "spa");
    await expectInactive(realm.oidc, sessionless);
  });
});

describe("introspecting refresh tokens (RFC 7662 §2.2)", () => {
  it("answers an unused refresh token as active, typed Refresh", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const claims = decodeJwt(tokens.refresh_token ?? "");

    const answer = await introspect(realm.oidc, tokens.refresh_token ?? "");
    expect(answer).toMatchObject({
      active: true,
      token_type: "Refresh",
      typ: "Refresh",
      client_id: "spa",
      username: "ada",
      sub: claims.sub,
      sid: claims.sid,
      exp: claims.exp,
      scope: "openid profile email",
    });
  });

  it("leaves the refresh token unused: it still refreshes afterwards", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    await introspect(realm.oidc, tokens.refresh_token ?? "");

    expect((await spaRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });

  it("answers inactive to a rotated refresh token and active to its successor", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const next = (await (
      await spaRefresh(realm.oidc, tokens.refresh_token ?? "")
    ).json()) as Tokens;

    await expectInactive(realm.oidc, tokens.refresh_token ?? "");
    expect((await introspect(realm.oidc, next.refresh_token ?? "")).active).toBe(true);
  });

  it("answers inactive to every token of a family revoked by reuse", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const next = (await (
      await spaRefresh(realm.oidc, tokens.refresh_token ?? "")
    ).json()) as Tokens;
    await spaRefresh(realm.oidc, tokens.refresh_token ?? "");

    await expectInactive(realm.oidc, next.refresh_token ?? "");
  });

  it("answers inactive once the refresh token was revoked (RFC 7009)", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const revoked = await SELF.fetch(`${realm.oidc}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: "spa", token: tokens.refresh_token ?? "" }),
    });
    expect(revoked.status).toBe(200);

    await expectInactive(realm.oidc, tokens.refresh_token ?? "");
  });

  it("answers inactive to the refresh token once the person has signed out", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    await signOut(browser, realm.oidc);

    await expectInactive(realm.oidc, tokens.refresh_token ?? "");
  });

  it("answers inactive to a well-signed refresh token that was never issued", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const forged = await signAsRealm(
      realm.name,
      { ...decodeJwt(tokens.refresh_token ?? ""), jti: "never-issued" },
      { typ: "JWT" },
    );

    await expectInactive(realm.oidc, forged);
  });
});

describe("who may introspect (RFC 7662 §2.1, §2.3)", () => {
  it("refuses the public client with 401 invalid_client", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await introspectRequest(realm.oidc, {
      client_id: "spa",
      token: tokens.access_token ?? "",
    });
    await expectError(response, 401, "invalid_client");
    expect(response.headers.get("www-authenticate")).toBe(`Basic realm="${realm.name}"`);
  });

  it("refuses a wrong client secret with 401 invalid_client", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await introspectRequest(
      realm.oidc,
      { token: tokens.access_token ?? "" },
      { authorization: basicAuthorization("backend", "wrong") },
    );
    await expectError(response, 401, "invalid_client");
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
  });

  it("refuses a request without client authentication with 401 invalid_client", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await introspectRequest(realm.oidc, { token: tokens.access_token ?? "" });
    await expectError(response, 401, "invalid_client");
  });

  it("refuses a request without token with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await introspectRequest(
      realm.oidc,
      {},
      { authorization: backendAuthorization() },
    );
    await expectError(response, 400, "invalid_request");
  });

  it("refuses a body that is not a form with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/token/introspect`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: backendAuthorization() },
      body: JSON.stringify({ token: "x" }),
    });
    await expectError(response, 400, "invalid_request");
  });

  it("advertises the endpoint with only confidential client authentication", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.issuer}/.well-known/openid-configuration`);
    const config = (await response.json()) as Record<string, unknown>;
    expect(config.introspection_endpoint).toBe(`${realm.oidc}/token/introspect`);
    expect(config.introspection_endpoint_auth_methods_supported).toEqual([
      "client_secret_basic",
      "client_secret_post",
      "private_key_jwt",
      "client_secret_jwt",
    ]);
  });
});
