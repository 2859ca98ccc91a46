import { describe, expect, it } from "vitest";
import {
  backendAuthorization,
  backendCode,
  basicAuthorization,
  exchangeBackendCode,
} from "../support/clients";
import { tokenRequest } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, seedRealm } from "../support/realm";
import { disableClient } from "../support/store";

/** A token request whose grant would fail, so only client authentication decides. */
const anyGrant = { grant_type: "authorization_code", code: "x", redirect_uri: BACKEND_REDIRECT };

/** RFC 6749 §5.2: invalid_client answers 401 with a challenge for the scheme. */
async function expectInvalidClient(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(((await response.json()) as { error: string }).error).toBe("invalid_client");
}

describe("client authentication with client_secret_basic (RFC 6749 §2.3.1)", () => {
  it("accepts the secret form-urlencoded inside the Basic credentials", async () => {
    // The secret holds a space, '+', '%' and ':', which all change under form-urlencoding.
    expect(BACKEND_SECRET).toMatch(/ /);
    expect(BACKEND_SECRET).toMatch(/\+/);
    expect(BACKEND_SECRET).toMatch(/%/);
    expect(BACKEND_SECRET).toMatch(/:/);
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);

    const response = await exchangeBackendCode(realm.oidc, code);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: "Bearer" });
  });

  it("accepts a matching client_id in the body next to the Basic credentials", async () => {
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);

    const response = await exchangeBackendCode(realm.oidc, code, { client_id: "backend" });
    expect(response.status).toBe(200);
  });

  it("refuses a wrong secret with 401 invalid_client", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, anyGrant, {
      authorization: basicAuthorization("backend", "not the secret"),
    });
    await expectInvalidClient(response);
  });

  it("refuses the secret when it was not form-urlencoded first", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, anyGrant, {
      authorization: `Basic ${btoa(`backend:${BACKEND_SECRET}`)}`,
    });
    await expectInvalidClient(response);
  });

  it("refuses a secret that differs only in case", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, anyGrant, {
      authorization: basicAuthorization("backend", BACKEND_SECRET.toUpperCase()),
    });
    await expectInvalidClient(response);
  });

  it("refuses credentials that are not base64 with 401 invalid_client", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, anyGrant, { authorization: "Basic %%%" });
    await expectInvalidClient(response);
  });

  it("refuses credentials without a colon with 401 invalid_client", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, anyGrant, {
      authorization: `Basic ${btoa("backend")}`,
    });
    await expectInvalidClient(response);
  });

  it("refuses a body client_id that names another client than the credentials", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(
      realm.oidc,
      { ...anyGrant, client_id: "spa" },
      { authorization: backendAuthorization() },
    );
    await expectInvalidClient(response);
  });
});

describe("client authentication with client_secret_post (RFC 6749 §2.3.1)", () => {
  it("accepts client_id and client_secret in the form body", async () => {
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);

    const response = await tokenRequest(realm.oidc, {
      grant_type: "authorization_code",
      code,
      redirect_uri: BACKEND_REDIRECT,
      client_id: "backend",
      client_secret: BACKEND_SECRET,
    });
    expect(response.status).toBe(200);
  });

  it("refuses a wrong secret with 401 invalid_client", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, {
      ...anyGrant,
      client_id: "backend",
      client_secret: `${BACKEND_SECRET}x`,
    });
    await expectInvalidClient(response);
  });
});

describe("client authentication rules (RFC 6749 §2.3, §3.2.1)", () => {
  it("refuses two authentication methods at once with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(
      realm.oidc,
      { ...anyGrant, client_id: "backend", client_secret: BACKEND_SECRET },
      { authorization: backendAuthorization() },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_request");
  });

  it("refuses an unknown client with 401 invalid_client", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, anyGrant, {
      authorization: basicAuthorization("stranger", BACKEND_SECRET),
    });
    await expectInvalidClient(response);
  });

  it("refuses an unknown public client with 401 invalid_client", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, { ...anyGrant, client_id: "stranger" });
    await expectInvalidClient(response);
  });

  it("refuses a disabled client with 401 invalid_client", async () => {
    const realm = await seedRealm();
    await disableClient(realm.name, "backend");

    const response = await tokenRequest(realm.oidc, anyGrant, {
      authorization: backendAuthorization(),
    });
    await expectInvalidClient(response);
  });

  it("refuses a public client that sends a secret in the body with invalid_client", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, {
      ...anyGrant,
      client_id: "spa",
      client_secret: "anything",
    });
    await expectInvalidClient(response);
  });

  it("refuses a public client that sends Basic credentials with invalid_client", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, anyGrant, {
      authorization: basicAuthorization("spa", "anything"),
    });
    await expectInvalidClient(response);
  });

  it("refuses a confidential client that sends no secret with 401 invalid_client", async () => {
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);

    const response = await tokenRequest(realm.oidc, {
      grant_type: "authorization_code",
      code,
      redirect_uri: BACKEND_REDIRECT,
      client_id: "backend",
    });
    await expectInvalidClient(response);
  });

  it("refuses a request that names no client with 401 invalid_client", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(realm.oidc, anyGrant);
    await expectInvalidClient(response);
  });
});
