import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { backendAuthorization, backendTokens } from "../support/clients";
import { tokenRequest } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, seedRealm } from "../support/realm";

const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const LEDGER = "https://ledger.example/v1";

/**
 * `backend` may exchange tokens and ask for the ledger, and has a mapper adding `tier` to its
 * access tokens; `api` is only an audience.
 */
async function subjectToken() {
  const realm = await seedRealm({
    clients: [
      {
        clientId: "backend",
        secret: BACKEND_SECRET,
        redirectUris: [BACKEND_REDIRECT],
        attributes: { "standard.token.exchange.enabled": "true", "resource.indicators": LEDGER },
        protocolMappers: [
          {
            name: "tier",
            protocol: "openid-connect",
            protocolMapper: "oidc-hardcoded-claim-mapper",
            config: { "access.token.claim": "true", "claim.name": "tier", "claim.value": "gold" },
          },
        ],
      },
      { clientId: "api", secret: "api-secret" },
    ],
  });
  const tokens = await backendTokens(realm.oidc);
  return { realm, token: tokens.access_token ?? "" };
}

function exchange(oidc: string, fields: Record<string, string>) {
  return tokenRequest(
    oidc,
    { grant_type: EXCHANGE, subject_token_type: ACCESS_TOKEN_TYPE, ...fields },
    { authorization: backendAuthorization() },
  );
}

async function expectInvalidTarget(response: Response) {
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: string }).error).toBe("invalid_target");
}

describe("token exchange with RFC 8707 resource (RFC 8693 §2.1)", () => {
  it("issues a token whose aud is the resource the client may ask for", async () => {
    const { realm, token } = await subjectToken();
    const response = await exchange(realm.oidc, { subject_token: token, resource: LEDGER });

    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(decodeJwt(body.access_token ?? "").aud).toBe(LEDGER);
  });

  it("names both the audience client and the resource when both are asked for", async () => {
    const { realm, token } = await subjectToken();
    const response = await exchange(realm.oidc, {
      subject_token: token,
      audience: "api",
      resource: LEDGER,
    });

    const body = (await response.json()) as Record<string, string>;
    expect(decodeJwt(body.access_token ?? "").aud).toEqual(["api", LEDGER]);
  });

  it("answers invalid_target for a resource the client may not ask for", async () => {
    const { realm, token } = await subjectToken();
    const fields = { subject_token: token, resource: "https://other.example/" };

    await expectInvalidTarget(await exchange(realm.oidc, fields));
  });

  it("answers invalid_target for a resource that is not an absolute URI", async () => {
    const { realm, token } = await subjectToken();

    await expectInvalidTarget(await exchange(realm.oidc, { subject_token: token, resource: "x" }));
  });
});

describe("token exchange and the exchanging client's protocol mappers", () => {
  it("gives the exchanged token the claims of the client's mappers", async () => {
    const { realm, token } = await subjectToken();
    expect(decodeJwt(token).tier).toBe("gold");

    const response = await exchange(realm.oidc, { subject_token: token, audience: "api" });
    const body = (await response.json()) as Record<string, string>;
    const exchanged = decodeJwt(body.access_token ?? "");
    expect(exchanged).toMatchObject({ aud: "api", tier: "gold" });
  });
});
