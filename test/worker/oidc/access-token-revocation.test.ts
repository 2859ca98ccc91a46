import { env, SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { deleteExpiredGrants } from "../../../src/db/cleanup";
import { database } from "../../../src/db/client";
import { revokedAccessTokens } from "../../../src/db/schema";
import { backendAuthorization, backendRefresh, backendTokens } from "../support/clients";
import { postForm } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, seedRealm } from "../support/realm";

const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

/** `backend` may exchange tokens; `api` is an audience. */
function seedRevocationRealm() {
  return seedRealm({
    clients: [
      {
        clientId: "backend",
        secret: BACKEND_SECRET,
        redirectUris: [BACKEND_REDIRECT],
        attributes: { "standard.token.exchange.enabled": "true" },
      },
      { clientId: "api", secret: "api-secret" },
    ],
  });
}

/** A realm and ada's tokens issued to `backend`, whose access token `backend` has revoked. */
async function revokedToken() {
  const realm = await seedRevocationRealm();
  const tokens = await backendTokens(realm.oidc);
  const accessToken = tokens.access_token ?? "";
  const revoked = await postForm(
    `${realm.oidc}/revoke`,
    { token: accessToken, token_type_hint: "access_token" },
    { authorization: backendAuthorization() },
  );
  expect(revoked.status).toBe(200);
  return { realm, accessToken, refreshToken: tokens.refresh_token ?? "" };
}

function userinfo(oidc: string, accessToken: string) {
  return SELF.fetch(`${oidc}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
}

async function introspect(oidc: string, token: string) {
  const response = await postForm(
    `${oidc}/token/introspect`,
    { token },
    { authorization: backendAuthorization() },
  );
  return (await response.json()) as { active: boolean };
}

function exchangeFor(oidc: string, subjectToken: string) {
  return postForm(
    `${oidc}/token`,
    {
      grant_type: EXCHANGE,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: "api",
    },
    { authorization: backendAuthorization() },
  );
}

describe("revoked access tokens (RFC 7009 §2)", () => {
  it("are refused at userinfo with invalid_token", async () => {
    const { realm, accessToken } = await revokedToken();

    const response = await userinfo(realm.oidc, accessToken);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("are inactive at introspection", async () => {
    const { realm, accessToken } = await revokedToken();

    expect(await introspect(realm.oidc, accessToken)).toEqual({ active: false });
  });

  it("are refused as the subject of a token exchange", async () => {
    const { realm, accessToken } = await revokedToken();

    const response = await exchangeFor(realm.oidc, accessToken);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_request");
  });

  it("leave the session's other tokens working", async () => {
    const { realm, refreshToken } = await revokedToken();

    const refreshed = await backendRefresh(realm.oidc, refreshToken);
    expect(refreshed.status).toBe(200);
    const { access_token } = (await refreshed.json()) as { access_token: string };
    expect((await userinfo(realm.oidc, access_token)).status).toBe(200);
    expect((await introspect(realm.oidc, access_token)).active).toBe(true);
    expect((await exchangeFor(realm.oidc, access_token)).status).toBe(200);
  });

  it("stay denied until they would have expired, then the cron removes them", async () => {
    const { accessToken } = await revokedToken();
    const jti = String(decodeJwt(accessToken).jti);
    const db = database(env.DB);
    const listed = () =>
      db.select().from(revokedAccessTokens).where(eq(revokedAccessTokens.jti, jti));
    const [row] = await listed();
    expect(row).toBeDefined();

    await deleteExpiredGrants(db, (row?.expiresAt ?? 0) - 1);
    expect(await listed()).toHaveLength(1);
    await deleteExpiredGrants(db, (row?.expiresAt ?? 0) + 1);
    expect(await listed()).toHaveLength(0);
  });
});
