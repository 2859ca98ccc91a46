import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { basicAuthorization, spaCode } from "../support/clients";
import {
  BACKEND_APP_ORIGIN,
  corsRealm,
  EVIL_ORIGIN,
  expectNotReadable,
  expectReadableFrom,
  OTHER_ORIGIN,
  post,
  preflight,
  SPA_ORIGIN,
} from "../support/cors";
import { tokenRequest } from "../support/oidc";
import { SPA_REDIRECT, seedRealm } from "../support/realm";
import { disableClient, signAsRealm } from "../support/store";

async function spaTokens(oidc: string) {
  const { code, verifier } = await spaCode(oidc);
  const response = await tokenRequest(oidc, {
    grant_type: "authorization_code",
    client_id: "spa",
    code,
    redirect_uri: SPA_REDIRECT,
    code_verifier: verifier,
  });
  return (await response.json()) as Record<string, string>;
}

describe("CORS at the token endpoint (Keycloak webOrigins)", () => {
  it("lets the client's web origin read a token response, with credentials", async () => {
    const realm = await corsRealm();
    const { code, verifier } = await spaCode(realm.oidc);

    const response = await tokenRequest(
      realm.oidc,
      {
        grant_type: "authorization_code",
        client_id: "spa",
        code,
        redirect_uri: SPA_REDIRECT,
        code_verifier: verifier,
      },
      { origin: SPA_ORIGIN },
    );
    expect(response.status).toBe(200);
    expectReadableFrom(response, SPA_ORIGIN);
  });

  it("lets the client's web origin read an error response", async () => {
    const realm = await corsRealm();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "authorization_code", client_id: "spa", code: "nope", redirect_uri: "x" },
      { origin: SPA_ORIGIN },
    );
    expect(response.status).toBe(400);
    expectReadableFrom(response, SPA_ORIGIN);
  });

  it("names the client by its Basic credentials, even when they fail", async () => {
    const realm = await corsRealm();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "client_credentials" },
      { origin: BACKEND_APP_ORIGIN, authorization: basicAuthorization("backend", "wrong") },
    );
    expect(response.status).toBe(401);
    expectReadableFrom(response, BACKEND_APP_ORIGIN);
  });

  it("gives an unknown origin no CORS headers", async () => {
    const realm = await corsRealm();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "refresh_token", client_id: "spa", refresh_token: "x" },
      { origin: EVIL_ORIGIN },
    );
    expectNotReadable(response);
  });

  it("gives another client's web origin no CORS headers", async () => {
    const realm = await corsRealm();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "refresh_token", client_id: "spa", refresh_token: "x" },
      { origin: OTHER_ORIGIN },
    );
    expectNotReadable(response);
  });

  it("never allows the opaque origin null", async () => {
    const realm = await corsRealm();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "refresh_token", client_id: "spa", refresh_token: "x" },
      { origin: "null" },
    );
    expectNotReadable(response);
  });

  it("gives a disabled client's web origin no CORS headers", async () => {
    const realm = await corsRealm();
    await disableClient(realm.name, "spa");

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "refresh_token", client_id: "spa", refresh_token: "x" },
      { origin: SPA_ORIGIN },
    );
    expectNotReadable(response);
  });
});

describe("CORS at the UserInfo endpoint (the access token's azp)", () => {
  it("lets the web origin of the token's client read the claims", async () => {
    const realm = await corsRealm();
    const tokens = await spaTokens(realm.oidc);

    const response = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}`, origin: SPA_ORIGIN },
    });
    expect(response.status).toBe(200);
    expectReadableFrom(response, SPA_ORIGIN);
  });

  it("lets it read an error response for a token of its client", async () => {
    const realm = await corsRealm();
    // No `sid`: a token UserInfo refuses, though the realm signed it for `spa`.
    const token = await signAsRealm(
      realm.name,
      { iss: realm.issuer, sub: "x", azp: "spa", typ: "Bearer", exp: 4102444800 },
      { typ: "at+jwt" },
    );

    const response = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${token}`, origin: SPA_ORIGIN },
    });
    expect(response.status).toBe(401);
    expectReadableFrom(response, SPA_ORIGIN);
  });

  it("gives the web origin of another client no CORS headers", async () => {
    const realm = await corsRealm();
    const tokens = await spaTokens(realm.oidc);

    const response = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}`, origin: OTHER_ORIGIN },
    });
    expect(response.status).toBe(200);
    expectNotReadable(response);
  });

  it("gives an unknown origin and a garbage token no CORS headers", async () => {
    const realm = await corsRealm();
    const tokens = await spaTokens(realm.oidc);

    const unknown = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}`, origin: EVIL_ORIGIN },
    });
    expectNotReadable(unknown);
    const garbage = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: "Bearer garbage", origin: SPA_ORIGIN },
    });
    expect(garbage.status).toBe(401);
    expectNotReadable(garbage);
  });
});

describe("CORS at the revocation endpoint", () => {
  it("lets the client's web origin read the answer and an error", async () => {
    const realm = await corsRealm();
    const revoke = `${realm.oidc}/revoke`;

    const done = await post(revoke, { client_id: "spa", token: "garbage" }, { origin: SPA_ORIGIN });
    expect(done.status).toBe(200);
    expectReadableFrom(done, SPA_ORIGIN);
    const failed = await post(revoke, { client_id: "spa" }, { origin: SPA_ORIGIN });
    expect(failed.status).toBe(400);
    expectReadableFrom(failed, SPA_ORIGIN);
  });

  it("gives an unknown origin no CORS headers", async () => {
    const realm = await corsRealm();

    const response = await post(
      `${realm.oidc}/revoke`,
      { client_id: "spa", token: "garbage" },
      { origin: EVIL_ORIGIN },
    );
    expect(response.status).toBe(200);
    expectNotReadable(response);
  });
});

describe("CORS preflight (Fetch §3.2.2)", () => {
  it.each([
    ["token", "POST"],
    ["revoke", "POST"],
    ["userinfo", "GET, POST"],
  ])("allows a registered web origin at %s, with its methods only", async (path, methods) => {
    const realm = await corsRealm();

    const response = await preflight(`${realm.oidc}/${path}`, OTHER_ORIGIN);
    expect(response.status).toBe(204);
    expectReadableFrom(response, OTHER_ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toBe(methods);
    expect(response.headers.get("access-control-allow-headers")).toBe(
      "Authorization, Content-Type, DPoP",
    );
    expect(response.headers.get("access-control-max-age")).toMatch(/^\d+$/);
  });

  it.each(["token", "revoke", "userinfo"])(
    "answers 204 without CORS headers for an unknown origin at %s",
    async (path) => {
      const realm = await corsRealm();

      const response = await preflight(`${realm.oidc}/${path}`, EVIL_ORIGIN);
      expect(response.status).toBe(204);
      expectNotReadable(response);
    },
  );

  it("refuses the origin null and the web origin of a disabled client", async () => {
    const realm = await corsRealm();
    await disableClient(realm.name, "other");

    expectNotReadable(await preflight(`${realm.oidc}/token`, "null"));
    expectNotReadable(await preflight(`${realm.oidc}/token`, OTHER_ORIGIN));
  });

  it("refuses a web origin registered only in another realm", async () => {
    await corsRealm();
    const plain = await seedRealm();

    expectNotReadable(await preflight(`${plain.oidc}/token`, OTHER_ORIGIN));
  });
});

describe("public, cookie-less documents", () => {
  it("lets any origin read discovery and keys, without credentials", async () => {
    const realm = await corsRealm();

    for (const url of [`${realm.issuer}/.well-known/openid-configuration`, `${realm.oidc}/certs`]) {
      const response = await SELF.fetch(url, { headers: { origin: EVIL_ORIGIN } });
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });

  it("answers `*` on none of the token, userinfo and revocation endpoints", async () => {
    const realm = await corsRealm();

    for (const path of ["token", "userinfo", "revoke"]) {
      for (const origin of [SPA_ORIGIN, EVIL_ORIGIN]) {
        const url = `${realm.oidc}/${path}`;
        const responses = [
          await preflight(url, origin),
          await post(url, { client_id: "spa" }, { origin }),
        ];
        for (const response of responses) {
          expect(response.headers.get("access-control-allow-origin")).not.toBe("*");
        }
      }
    }
  });
});
