import { env, SELF } from "cloudflare:test";
import { base64url, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { exchangeSpaCode, publishedKeySet, spaCode } from "../support/clients";
import { SPA_REDIRECT, seedRealm } from "../support/realm";

type Tokens = Record<string, string>;

/** A realm whose `spa` client carries the given attributes. */
function seedSpaRealm(attributes: Record<string, string>, settings: Record<string, unknown> = {}) {
  return seedRealm({
    clients: [{ clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT], attributes }],
    ...settings,
  });
}

async function spaTokens(oidc: string): Promise<Tokens> {
  const { code, verifier } = await spaCode(oidc);
  const response = await exchangeSpaCode(oidc, { code, code_verifier: verifier });
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

async function leftHalf(hash: string, value: string) {
  const digest = new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(value)));
  return base64url.encode(digest.slice(0, digest.length / 2));
}

describe("signing algs per realm and client (OIDC Registration §2, Keycloak's settings)", () => {
  it("signs ID tokens with EdDSA for a client that asks, with a SHA-512 at_hash", async () => {
    const realm = await seedSpaRealm({ "id.token.signed.response.alg": "EdDSA" });
    const tokens = await spaTokens(realm.oidc);

    const { protectedHeader, payload } = await jwtVerify(
      tokens.id_token ?? "",
      await publishedKeySet(realm.oidc),
      { algorithms: ["EdDSA"], issuer: realm.issuer, audience: "spa" },
    );
    expect(protectedHeader.alg).toBe("EdDSA");
    expect(payload.at_hash).toBe(await leftHalf("SHA-512", tokens.access_token ?? ""));
    // The access token keeps the realm's default.
    expect(decodeProtectedHeader(tokens.access_token ?? "").alg).toBe("ES256");
  });

  it("signs ID tokens with ES256 for a client that asks, with a SHA-256 at_hash", async () => {
    const realm = await seedSpaRealm({ "id.token.signed.response.alg": "ES256" });
    const tokens = await spaTokens(realm.oidc);

    const id = decodeJwt(tokens.id_token ?? "");
    expect(decodeProtectedHeader(tokens.id_token ?? "").alg).toBe("ES256");
    expect(id.at_hash).toBe(await leftHalf("SHA-256", tokens.access_token ?? ""));
  });

  it("signs access tokens with the client's alg, and userinfo accepts them", async () => {
    const realm = await seedSpaRealm({ "access.token.signed.response.alg": "EdDSA" });
    const tokens = await spaTokens(realm.oidc);

    const { protectedHeader } = await jwtVerify(
      tokens.access_token ?? "",
      await publishedKeySet(realm.oidc),
      { algorithms: ["EdDSA"], issuer: realm.issuer, typ: "at+jwt" },
    );
    expect(protectedHeader.alg).toBe("EdDSA");
    const userinfo = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
  });

  it("follows the realm's defaultSignatureAlgorithm for both tokens, like Keycloak", async () => {
    const realm = await seedSpaRealm({}, { defaultSignatureAlgorithm: "EdDSA" });
    const tokens = await spaTokens(realm.oidc);

    expect(decodeProtectedHeader(tokens.access_token ?? "").alg).toBe("EdDSA");
    expect(decodeProtectedHeader(tokens.id_token ?? "").alg).toBe("EdDSA");
  });

  it("keeps ES256 access tokens and RS256 ID tokens when nothing is configured", async () => {
    const realm = await seedSpaRealm({ "id.token.signed.response.alg": "" });
    const tokens = await spaTokens(realm.oidc);

    expect(decodeProtectedHeader(tokens.access_token ?? "").alg).toBe("ES256");
    expect(decodeProtectedHeader(tokens.id_token ?? "").alg).toBe("RS256");
  });

  it.each([
    [
      "an HMAC alg for a client",
      {
        clients: [
          {
            clientId: "a",
            publicClient: true,
            attributes: { "id.token.signed.response.alg": "HS256" },
          },
        ],
      },
      '$.clients[0].attributes["id.token.signed.response.alg"]',
    ],
    [
      "none as the realm's default",
      { defaultSignatureAlgorithm: "none" },
      "$.defaultSignatureAlgorithm",
    ],
  ])("refuses %s at import", async (_, settings, path) => {
    const error = await importRealm(database(env.DB), {
      realm: `algs-${crypto.randomUUID()}`,
      ...settings,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).issues.map((issue) => issue.path)).toContain(path);
  });
});
