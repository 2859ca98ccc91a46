import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  backendAuthorization,
  backendRefresh,
  backendTokens,
  basicAuthorization,
} from "../support/clients";
import { postForm, signInAndExchange, spaRefresh } from "../support/oidc";
import { BACKEND_SECRET, seedRealm } from "../support/realm";
import { signAsRealm } from "../support/store";

type Tokens = Record<string, string>;

function revoke(oidc: string, fields: Record<string, string>, headers = {}) {
  return postForm(`${oidc}/revoke`, fields, headers);
}

/** The public client `spa` revokes a token, identifying itself by client_id (RFC 7009 §2.1). */
function spaRevoke(oidc: string, token: string, extra: Record<string, string> = {}) {
  return revoke(oidc, { client_id: "spa", token, ...extra });
}

/** RFC 7009 §2.2: success is 200 with nothing in the body, never cached. */
async function expectRevoked(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(await response.text()).toBe("");
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

async function expectRefreshRefused(response: Response) {
  await expectError(response, 400, "invalid_grant");
}

describe("revoking refresh tokens (RFC 7009 §2.1)", () => {
  it("revokes a refresh token so the token endpoint refuses it", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    await expectRevoked(await spaRevoke(realm.oidc, tokens.refresh_token ?? ""));
    await expectRefreshRefused(await spaRefresh(realm.oidc, tokens.refresh_token ?? ""));
  });

  it("ends the whole family when a rotated refresh token is revoked", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const next = (await (
      await spaRefresh(realm.oidc, tokens.refresh_token ?? "")
    ).json()) as Tokens;

    await expectRevoked(await spaRevoke(realm.oidc, tokens.refresh_token ?? ""));
    await expectRefreshRefused(await spaRefresh(realm.oidc, next.refresh_token ?? ""));
  });

  it("ends the whole family when the newest refresh token is revoked", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const second = (await (
      await spaRefresh(realm.oidc, tokens.refresh_token ?? "")
    ).json()) as Tokens;
    const third = (await (
      await spaRefresh(realm.oidc, second.refresh_token ?? "")
    ).json()) as Tokens;

    await expectRevoked(await spaRevoke(realm.oidc, third.refresh_token ?? ""));
    await expectRefreshRefused(await spaRefresh(realm.oidc, third.refresh_token ?? ""));
    await expectRefreshRefused(await spaRefresh(realm.oidc, second.refresh_token ?? ""));
  });

  it("leaves the families of other sign-ins alone", async () => {
    const realm = await seedRealm();
    const one = await signInAndExchange(realm.oidc);
    const two = await signInAndExchange(realm.oidc);

    await expectRevoked(await spaRevoke(realm.oidc, one.tokens.refresh_token ?? ""));
    expect((await spaRefresh(realm.oidc, two.tokens.refresh_token ?? "")).status).toBe(200);
  });

  it("keeps the session: the person stays signed in after an app revokes", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    await spaRevoke(realm.oidc, tokens.refresh_token ?? "");

    const userinfo = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
  });

  it("answers 200 when the same refresh token is revoked twice", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    await expectRevoked(await spaRevoke(realm.oidc, tokens.refresh_token ?? ""));
    await expectRevoked(await spaRevoke(realm.oidc, tokens.refresh_token ?? ""));
  });

  it("revokes the token a refresh racing the revocation mints", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const [refreshed, revoked] = await Promise.all([
      spaRefresh(realm.oidc, tokens.refresh_token ?? ""),
      spaRevoke(realm.oidc, tokens.refresh_token ?? ""),
    ]);
    await expectRevoked(revoked);
    if (refreshed.status === 200) {
      const next = (await refreshed.json()) as Tokens;
      await expectRefreshRefused(await spaRefresh(realm.oidc, next.refresh_token ?? ""));
    } else {
      await expectRefreshRefused(refreshed);
    }
  });
});

describe("token_type_hint (RFC 7009 §2.1)", () => {
  it("revokes with the hint refresh_token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const hint = { token_type_hint: "refresh_token" };
    await expectRevoked(await spaRevoke(realm.oidc, tokens.refresh_token ?? "", hint));
    await expectRefreshRefused(await spaRefresh(realm.oidc, tokens.refresh_token ?? ""));
  });

  it("revokes a refresh token hinted as an access token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const hint = { token_type_hint: "access_token" };
    await expectRevoked(await spaRevoke(realm.oidc, tokens.refresh_token ?? "", hint));
    await expectRefreshRefused(await spaRefresh(realm.oidc, tokens.refresh_token ?? ""));
  });

  it("ignores a hint it does not know", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const hint = { token_type_hint: "device_secret" };
    await expectRevoked(await spaRevoke(realm.oidc, tokens.refresh_token ?? "", hint));
    await expectRefreshRefused(await spaRefresh(realm.oidc, tokens.refresh_token ?? ""));
  });
});

describe("revocation by confidential clients (RFC 7009 §2.1, RFC 6749 §2.3.1)", () => {
  it("revokes with client_secret_basic", async () => {
    const realm = await seedRealm();
    const tokens = await backendTokens(realm.oidc);

    const response = await revoke(
      realm.oidc,
      { token: tokens.refresh_token ?? "" },
      { authorization: backendAuthorization() },
    );
    await expectRevoked(response);
    await expectRefreshRefused(await backendRefresh(realm.oidc, tokens.refresh_token ?? ""));
  });

  it("revokes with client_secret_post", async () => {
    const realm = await seedRealm();
    const tokens = await backendTokens(realm.oidc);

    const response = await revoke(realm.oidc, {
      client_id: "backend",
      client_secret: BACKEND_SECRET,
      token: tokens.refresh_token ?? "",
    });
    await expectRevoked(response);
    await expectRefreshRefused(await backendRefresh(realm.oidc, tokens.refresh_token ?? ""));
  });
});

describe("tokens of another client (RFC 7009 §2.1)", () => {
  it("refuses to revoke the public client's token for the confidential one", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await revoke(
      realm.oidc,
      { token: tokens.refresh_token ?? "" },
      { authorization: backendAuthorization() },
    );
    await expectError(response, 400, "invalid_request");
    expect((await spaRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });

  it("refuses to revoke the confidential client's token for the public one", async () => {
    const realm = await seedRealm();
    const tokens = await backendTokens(realm.oidc);

    await expectError(
      await spaRevoke(realm.oidc, tokens.refresh_token ?? ""),
      400,
      "invalid_request",
    );
    expect((await backendRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });

  it("refuses to revoke another client's access token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await revoke(
      realm.oidc,
      { token: tokens.access_token ?? "" },
      { authorization: backendAuthorization() },
    );
    await expectError(response, 400, "invalid_request");
  });
});

describe("tokens that are not refresh tokens of the realm (RFC 7009 §2.2)", () => {
  it("answers 200 to a value that is not a token", async () => {
    const realm = await seedRealm();

    await expectRevoked(await spaRevoke(realm.oidc, "garbage"));
  });

  it("answers 200 to a tampered refresh token and revokes nothing", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const token = tokens.refresh_token ?? "";
    const last = token.at(-2) === "A" ? "B" : "A";
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;

    await expectRevoked(await spaRevoke(realm.oidc, tampered));
    expect((await spaRefresh(realm.oidc, token)).status).toBe(200);
  });

  it("answers 200 to an expired refresh token", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const now = Math.floor(Date.now() / 1000);
    const expired = await signAsRealm(
      realm.name,
      { ...decodeJwt(tokens.refresh_token ?? ""), iat: now - 3600, exp: now - 1800 },
      { typ: "JWT" },
    );

    await expectRevoked(await spaRevoke(realm.oidc, expired));
  });

  it("answers 200 to another realm's refresh token and leaves it usable there", async () => {
    const realm = await seedRealm();
    const other = await seedRealm();
    const { tokens } = await signInAndExchange(other.oidc);

    await expectRevoked(await spaRevoke(realm.oidc, tokens.refresh_token ?? ""));
    expect((await spaRefresh(other.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });

  it("answers 200 to an ID token and leaves the refresh token usable", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    await expectRevoked(await spaRevoke(realm.oidc, tokens.id_token ?? ""));
    expect((await spaRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });
});

describe("revoking access tokens (RFC 7009 §2.1, §3)", () => {
  it("answers 200 and leaves the session's refresh token usable", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const hint = { token_type_hint: "access_token" };
    await expectRevoked(await spaRevoke(realm.oidc, tokens.access_token ?? "", hint));
    expect((await spaRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });
});

describe("revocation requests that are refused (RFC 7009 §2.2.1, RFC 6749 §5.2)", () => {
  it("refuses a request without token with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await revoke(realm.oidc, { client_id: "spa" });
    await expectError(response, 400, "invalid_request");
  });

  it("refuses a repeated token parameter with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "client_id=spa&token=a&token=b",
    });
    await expectError(response, 400, "invalid_request");
  });

  it("refuses a body that is not a form with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: "spa", token: "x" }),
    });
    await expectError(response, 400, "invalid_request");
  });

  it("refuses a wrong client secret with 401 invalid_client and a challenge", async () => {
    const realm = await seedRealm();
    const tokens = await backendTokens(realm.oidc);

    const response = await revoke(
      realm.oidc,
      { token: tokens.refresh_token ?? "" },
      { authorization: basicAuthorization("backend", "wrong") },
    );
    await expectError(response, 401, "invalid_client");
    expect(response.headers.get("www-authenticate")).toBe(`Basic realm="${realm.name}"`);
    expect((await backendRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });

  it("refuses a request without client authentication with 401 invalid_client", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);

    const response = await revoke(realm.oidc, { token: tokens.refresh_token ?? "" });
    await expectError(response, 401, "invalid_client");
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
    expect((await spaRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
  });

  it("refuses an unknown client with 401 invalid_client", async () => {
    const realm = await seedRealm();

    const response = await revoke(realm.oidc, { client_id: "nobody", token: "x" });
    await expectError(response, 401, "invalid_client");
  });

  it("refuses the confidential client without its secret with 401 invalid_client", async () => {
    const realm = await seedRealm();
    const tokens = await backendTokens(realm.oidc);

    const response = await revoke(realm.oidc, {
      client_id: "backend",
      token: tokens.refresh_token ?? "",
    });
    await expectError(response, 401, "invalid_client");
  });
});

describe("revocation from browsers and discovery (RFC 7009 §2, RFC 8414 §2)", () => {
  // The rules themselves are held in test/worker/http/cors.test.ts.
  it("answers a CORS preflight without CORS headers for an unregistered origin", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/revoke`, {
      method: "OPTIONS",
      headers: {
        origin: "https://spa.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets no script of an unregistered origin read the answer to a revocation", async () => {
    const realm = await seedRealm();

    const response = await revoke(
      realm.oidc,
      { client_id: "spa", token: "garbage" },
      { origin: "https://spa.example" },
    );
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("advertises the endpoint and the client authentication methods it takes", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.issuer}/.well-known/openid-configuration`);
    const config = (await response.json()) as Record<string, unknown>;
    expect(config.revocation_endpoint).toBe(`${realm.oidc}/revoke`);
    expect(config.revocation_endpoint_auth_methods_supported).toEqual([
      "client_secret_basic",
      "client_secret_post",
      "private_key_jwt",
      "client_secret_jwt",
      "none",
    ]);
  });
});
