import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { backendAuthorization, backendCode, exchangeBackendCode } from "../support/clients";
import { tokenRequest } from "../support/oidc";
import { BACKEND_REDIRECT, seedRealm } from "../support/realm";

const FORM = "application/x-www-form-urlencoded";

/** Asserts an RFC 6749 §5.2 error answer, which must not be cached either. */
async function expectTokenError(response: Response, error: string, status = 400) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const body = (await response.json()) as Record<string, unknown>;
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe("string");
  return body;
}

describe("token endpoint responses (RFC 6749 §5.1, §5.2)", () => {
  it("answers a successful exchange as JSON that no cache may keep", async () => {
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);

    const response = await exchangeBackendCode(realm.oidc, code);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("pragma")).toBe("no-cache");
    expect(await response.json()).toMatchObject({ token_type: "Bearer", expires_in: 300 });
  });

  it("answers an error as RFC 6749 JSON that no cache may keep", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "authorization_code", code: "nope", redirect_uri: BACKEND_REDIRECT },
      { authorization: backendAuthorization() },
    );
    expect(response.headers.get("pragma")).toBe("no-cache");
    await expectTokenError(response, "invalid_grant");
  });
});

describe("token request format (RFC 6749 §3.2)", () => {
  it("refuses a JSON body with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/token`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: backendAuthorization() },
      body: JSON.stringify({ grant_type: "authorization_code", code: "x" }),
    });
    await expectTokenError(response, "invalid_request");
  });

  it("refuses a body without a content type with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/token`, {
      method: "POST",
      headers: { authorization: backendAuthorization() },
      body: new TextEncoder().encode("grant_type=authorization_code&code=x"),
    });
    await expectTokenError(response, "invalid_request");
  });

  it("accepts a form content type with a charset parameter", async () => {
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);

    const response = await SELF.fetch(`${realm.oidc}/token`, {
      method: "POST",
      headers: {
        "content-type": `${FORM}; charset=UTF-8`,
        authorization: backendAuthorization(),
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: BACKEND_REDIRECT,
      }).toString(),
    });
    expect(response.status).toBe(200);
  });

  it("refuses a request without grant_type with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(
      realm.oidc,
      { code: "x", redirect_uri: BACKEND_REDIRECT },
      { authorization: backendAuthorization() },
    );
    await expectTokenError(response, "invalid_request");
  });

  it.each(["implicit", "urn:ietf:params:oauth:grant-type:jwt-bearer"])(
    "refuses grant_type=%s with unsupported_grant_type",
    async (grantType) => {
      const realm = await seedRealm();

      const response = await tokenRequest(
        realm.oidc,
        { grant_type: grantType, username: "ada", password: "x" },
        { authorization: backendAuthorization() },
      );
      await expectTokenError(response, "unsupported_grant_type");
    },
  );

  it.each(["toString", "constructor", "hasOwnProperty", "__proto__"])(
    "refuses grant_type=%s, a name every object has, with unsupported_grant_type",
    async (grantType) => {
      const realm = await seedRealm();

      const response = await tokenRequest(
        realm.oidc,
        { grant_type: grantType },
        { authorization: backendAuthorization() },
      );
      await expectTokenError(response, "unsupported_grant_type");
    },
  );

  it("refuses a repeated parameter with invalid_request", async () => {
    const realm = await seedRealm();
    const code = await backendCode(realm.oidc);

    const response = await SELF.fetch(`${realm.oidc}/token`, {
      method: "POST",
      headers: { "content-type": FORM, authorization: backendAuthorization() },
      body:
        `grant_type=authorization_code&code=${code}&code=${code}` +
        `&redirect_uri=${encodeURIComponent(BACKEND_REDIRECT)}`,
    });
    await expectTokenError(response, "invalid_request");

    // The refused request consumed nothing: the code still works once.
    expect((await exchangeBackendCode(realm.oidc, code)).status).toBe(200);
  });

  it("refuses a repeated grant_type even when both values agree", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/token`, {
      method: "POST",
      headers: { "content-type": FORM, authorization: backendAuthorization() },
      body: "grant_type=refresh_token&grant_type=refresh_token&refresh_token=x",
    });
    await expectTokenError(response, "invalid_request");
  });

  it("refuses a body over 64 KiB with invalid_request", async () => {
    const realm = await seedRealm();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "refresh_token", refresh_token: "x".repeat(70 * 1024) },
      { authorization: backendAuthorization() },
    );
    await expectTokenError(response, "invalid_request");
  });

  it("refuses a streamed body over 64 KiB that declares no length", async () => {
    const realm = await seedRealm();
    const chunk = new TextEncoder().encode(
      `grant_type=refresh_token&refresh_token=${"x".repeat(1024)}`,
    );
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 70; i++) controller.enqueue(chunk);
        controller.close();
      },
    });

    const response = await SELF.fetch(`${realm.oidc}/token`, {
      method: "POST",
      headers: { "content-type": FORM, authorization: backendAuthorization() },
      body,
    });
    await expectTokenError(response, "invalid_request");
  });

  it("is not served for GET", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(
      `${realm.oidc}/token?grant_type=authorization_code&code=x&redirect_uri=${BACKEND_REDIRECT}`,
      { headers: { authorization: backendAuthorization() } },
    );
    expect(response.status).toBe(404);
  });
});

describe("token request parameters are validated by schema", () => {
  it.each([
    ["authorization_code", { code: "x".repeat(513), redirect_uri: BACKEND_REDIRECT }, "code"],
    ["authorization_code", { code: "abc" }, "redirect_uri"],
    ["refresh_token", {}, "refresh_token"],
    ["refresh_token", { refresh_token: "x", scope: "s".repeat(1025) }, "scope"],
  ])(
    "refuses a %s request whose %o is invalid, naming the parameter",
    async (grant, fields, name) => {
      const realm = await seedRealm();
      const response = await tokenRequest(
        realm.oidc,
        { grant_type: grant, ...fields },
        { authorization: backendAuthorization() },
      );

      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; error_description: string };
      expect(body.error).toBe("invalid_request");
      expect(body.error_description).toContain(`The ${name} parameter`);
    },
  );
});
