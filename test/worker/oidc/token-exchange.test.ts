import { env, SELF } from "cloudflare:test";
import { decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { endSession } from "../../../src/db/sessions";
import { backendTokens, basicAuthorization, publishedKeySet } from "../support/clients";
import { BACKEND_REDIRECT, BACKEND_SECRET, SPA_REDIRECT, seedRealm } from "../support/realm";
import { disableClient } from "../support/store";

const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const enabled = { "standard.token.exchange.enabled": "true" };

const secrets: Record<string, string> = {
  backend: BACKEND_SECRET,
  orders: "orders-secret",
  plain: "plain-secret",
};

/**
 * `backend` and `orders` may exchange tokens (Keycloak's attribute), `plain` may not; `api`
 * is only an audience; `spa` is public and has the attribute in vain.
 */
function seedExchangeRealm() {
  return seedRealm({
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT], attributes: enabled },
      {
        clientId: "backend",
        secret: BACKEND_SECRET,
        redirectUris: [BACKEND_REDIRECT],
        attributes: enabled,
      },
      { clientId: "orders", secret: secrets.orders, attributes: enabled },
      { clientId: "plain", secret: secrets.plain },
      { clientId: "api", secret: "api-secret" },
    ],
  });
}

/**
 * A token exchange request (RFC 8693 §2.1) of `clientId` with Basic credentials (none for
 * `spa`); `fields` may repeat a name, as `audience` may.
 */
function exchange(oidc: string, clientId: string, fields: [string, string][]) {
  const body = new URLSearchParams([["grant_type", EXCHANGE], ...fields]);
  if (!body.has("subject_token_type")) body.set("subject_token_type", ACCESS_TOKEN_TYPE);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  const secret = secrets[clientId];
  if (secret) headers.authorization = basicAuthorization(clientId, secret);
  else body.set("client_id", clientId);
  return SELF.fetch(`${oidc}/token`, { method: "POST", headers, body: body.toString() });
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

/** A realm and an access token of ada's, issued to `backend`. */
async function subjectToken() {
  const realm = await seedExchangeRealm();
  const tokens = await backendTokens(realm.oidc);
  return { realm, token: tokens.access_token ?? "", refresh: tokens.refresh_token ?? "" };
}

describe("token exchange (RFC 8693), Keycloak's standard token exchange", () => {
  it("exchanges the client's access token for one meant for the requested audience", async () => {
    const { realm, token } = await subjectToken();

    const response = await exchange(realm.oidc, "backend", [
      ["subject_token", token],
      ["audience", "api"],
    ]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject({
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: "Bearer",
      expires_in: 300,
      scope: "openid profile email",
    });
    expect(body).not.toHaveProperty("refresh_token");

    const issued = body.access_token ?? "";
    expect(decodeProtectedHeader(issued).typ).toBe("at+jwt");
    const { payload } = await jwtVerify(issued, await publishedKeySet(realm.oidc), {
      issuer: realm.issuer,
      audience: "api",
    });
    const original = decodeJwt(token);
    expect(payload).toMatchObject({ azp: "backend", sub: original.sub, sid: original.sid });
  });

  it("names every requested audience when audience repeats", async () => {
    const { realm, token } = await subjectToken();

    const response = await exchange(realm.oidc, "backend", [
      ["subject_token", token],
      ["audience", "api"],
      ["audience", "orders"],
    ]);
    expect(response.status).toBe(200);
    const issued = ((await response.json()) as Record<string, string>).access_token ?? "";
    expect(decodeJwt(issued).aud).toEqual(["api", "orders"]);
  });

  it("keeps the requesting client as audience when none is requested", async () => {
    const { realm, token } = await subjectToken();

    const response = await exchange(realm.oidc, "backend", [["subject_token", token]]);
    expect(response.status).toBe(200);
    const issued = ((await response.json()) as Record<string, string>).access_token ?? "";
    expect(decodeJwt(issued).aud).toBe("backend");
  });

  it("narrows the scope to what is asked", async () => {
    const { realm, token } = await subjectToken();

    const response = await exchange(realm.oidc, "backend", [
      ["subject_token", token],
      ["scope", "email"],
    ]);
    expect(response.status).toBe(200);
    const issued = ((await response.json()) as Record<string, string>).access_token ?? "";
    expect(decodeJwt(issued)).toMatchObject({ scope: "email", email: "ada@example.com" });
    expect(decodeJwt(issued)).not.toHaveProperty("preferred_username");
  });

  it("refuses to widen the scope with invalid_scope", async () => {
    const { realm, token } = await subjectToken();

    const response = await exchange(realm.oidc, "backend", [
      ["subject_token", token],
      ["scope", "openid roles"],
    ]);
    await expectError(response, 400, "invalid_scope");
  });

  it("answers invalid_target for an audience that is no client of the realm", async () => {
    const { realm, token } = await subjectToken();

    const response = await exchange(realm.oidc, "backend", [
      ["subject_token", token],
      ["audience", "api"],
      ["audience", "nobody"],
    ]);
    await expectError(response, 400, "invalid_target");
  });

  it("answers invalid_target for a disabled audience", async () => {
    const { realm, token } = await subjectToken();
    await disableClient(realm.name, "api");

    const response = await exchange(realm.oidc, "backend", [
      ["subject_token", token],
      ["audience", "api"],
    ]);
    await expectError(response, 400, "invalid_target");
  });

  it("refuses a subject token meant for another client with invalid_request", async () => {
    const { realm, token } = await subjectToken();

    const response = await exchange(realm.oidc, "orders", [
      ["subject_token", token],
      ["audience", "orders"],
    ]);
    await expectError(response, 400, "invalid_request");
  });

  it("refuses a subject token whose session has ended with invalid_request", async () => {
    const { realm, token } = await subjectToken();
    await endSession(database(env.DB), String(decodeJwt(token).sid));

    const response = await exchange(realm.oidc, "backend", [["subject_token", token]]);
    await expectError(response, 400, "invalid_request");
  });

  it("refuses a refresh token as subject token with invalid_request", async () => {
    const { realm, refresh } = await subjectToken();

    const response = await exchange(realm.oidc, "backend", [["subject_token", refresh]]);
    await expectError(response, 400, "invalid_request");
  });

  it("refuses other token types and actor tokens with invalid_request", async () => {
    const { realm, token } = await subjectToken();
    const refreshType = "urn:ietf:params:oauth:token-type:refresh_token";

    const cases: [string, string][][] = [
      [["subject_token_type", "urn:ietf:params:oauth:token-type:id_token"]],
      [["requested_token_type", refreshType]],
      [
        ["actor_token", token],
        ["actor_token_type", ACCESS_TOKEN_TYPE],
      ],
    ];
    for (const extra of cases) {
      const response = await exchange(realm.oidc, "backend", [["subject_token", token], ...extra]);
      await expectError(response, 400, "invalid_request");
    }
  });

  it("answers unauthorized_client to a client without the exchange enabled", async () => {
    const { realm, token } = await subjectToken();

    const response = await exchange(realm.oidc, "plain", [["subject_token", token]]);
    await expectError(response, 400, "unauthorized_client");
  });

  it("answers invalid_client to a public client", async () => {
    const { realm, token } = await subjectToken();

    const response = await exchange(realm.oidc, "spa", [["subject_token", token]]);
    await expectError(response, 401, "invalid_client");
  });
});
