import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { createInitialAccessToken } from "../../../src/db/initial-access-tokens";
import {
  assertionClaims,
  assertionFields,
  signAssertion,
  signerJwk,
  strangerKeys,
} from "../support/assertions";
import { tokenRequest } from "../support/oidc";
import { seedRealm } from "../support/realm";
import { realmId } from "../support/store";

const db = database(env.DB);
type Realm = Awaited<ReturnType<typeof seedRealm>>;
type Information = Record<string, unknown> & {
  client_id: string;
  client_secret?: string;
  registration_access_token: string;
  registration_client_uri: string;
};

const service = { grant_types: ["client_credentials"] };

async function register(realm: Realm, metadata: Record<string, unknown>) {
  const now = Math.floor(Date.now() / 1000);
  const token = await createInitialAccessToken(db, await realmId(realm.name), {
    count: 1,
    expiresIn: 600,
    now,
  });
  return SELF.fetch(`${realm.issuer}/clients-registrations/openid-connect`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(metadata),
  });
}

async function registered(realm: Realm, metadata: Record<string, unknown>) {
  const response = await register(realm, metadata);
  expect(response.status).toBe(201);
  return (await response.json()) as Information;
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

/** A client_credentials request authenticated by an assertion for the token endpoint. */
async function asserted(realm: Realm, clientId: string, key?: CryptoKey | string) {
  const assertion = await signAssertion(assertionClaims(clientId, `${realm.oidc}/token`), key);
  return tokenRequest(realm.oidc, {
    grant_type: "client_credentials",
    ...assertionFields(assertion, clientId),
  });
}

describe("dynamic registration of JWT-authenticated clients (RFC 7591, RFC 7523)", () => {
  it("registers a private_key_jwt client with its jwks and no secret", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, {
      ...service,
      token_endpoint_auth_method: "private_key_jwt",
      jwks: { keys: [signerJwk] },
    });
    expect(info).toMatchObject({ token_endpoint_auth_method: "private_key_jwt" });
    expect(info.client_secret).toBeUndefined();
    expect(info.client_secret_expires_at).toBeUndefined();

    expect((await asserted(realm, info.client_id)).status).toBe(200);
    const stranger = await asserted(realm, info.client_id, strangerKeys.privateKey);
    await expectError(stranger, 401, "invalid_client");
  });

  it("registers a client_secret_jwt client whose secret signs its assertions", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, {
      ...service,
      token_endpoint_auth_method: "client_secret_jwt",
    });
    expect(info.token_endpoint_auth_method).toBe("client_secret_jwt");

    expect((await asserted(realm, info.client_id, info.client_secret)).status).toBe(200);
    const wrong = await asserted(realm, info.client_id, "x".repeat(43));
    await expectError(wrong, 401, "invalid_client");
  });

  it.each([
    ["private_key_jwt without keys", { token_endpoint_auth_method: "private_key_jwt" }],
    ["both jwks and jwks_uri", { jwks: { keys: [signerJwk] }, jwks_uri: "https://a.example/k" }],
    ["a private key in jwks", { jwks: { keys: [{ ...signerJwk, d: "secret" }] } }],
    ["jwks that is not a key set", { jwks: [signerJwk] }],
    ["a plain-http jwks_uri", { jwks_uri: "http://a.example/keys" }],
  ])("refuses %s as invalid_client_metadata", async (_, metadata) => {
    const realm = await seedRealm();
    const response = await register(realm, { ...service, ...metadata });
    await expectError(response, 400, "invalid_client_metadata");
  });

  it("keeps the way a client authenticates on update, basic and post aside", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, service);
    const update = (body: Record<string, unknown>) =>
      SELF.fetch(info.registration_client_uri, {
        method: "PUT",
        headers: {
          authorization: `Bearer ${info.registration_access_token}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ ...service, client_id: info.client_id, ...body }),
      });

    const toJwt = await update({
      token_endpoint_auth_method: "private_key_jwt",
      jwks: { keys: [signerJwk] },
    });
    await expectError(toJwt, 400, "invalid_client_metadata");
    const toPost = await update({ token_endpoint_auth_method: "client_secret_post" });
    expect(toPost.status).toBe(200);
  });
});

describe("dynamic registration of request object settings (OpenID Connect Registration §2)", () => {
  const code = { redirect_uris: ["https://rp.example/cb"] };

  it("registers request_uris without their fragments and the request object alg", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, {
      ...code,
      jwks: { keys: [signerJwk] },
      request_uris: ["https://rp.example/req/1#sha256-of-it", "https://rp.example/req/2"],
      request_object_signing_alg: "ES256",
    });

    expect(info).toMatchObject({
      request_uris: ["https://rp.example/req/1", "https://rp.example/req/2"],
      request_object_signing_alg: "ES256",
    });
    const read = await SELF.fetch(info.registration_client_uri, {
      headers: { authorization: `Bearer ${info.registration_access_token}` },
    });
    expect(await read.json()).toMatchObject({ request_uris: info.request_uris });
  });

  it("refuses a request_uri that is not https", async () => {
    const realm = await seedRealm();
    const response = await register(realm, { ...code, request_uris: ["http://rp.example/r"] });

    await expectError(response, 400, "invalid_client_metadata");
  });

  it("refuses a signing alg for request objects without the client's keys", async () => {
    const realm = await seedRealm();
    const response = await register(realm, { ...code, request_object_signing_alg: "ES256" });

    await expectError(response, 400, "invalid_client_metadata");
  });

  it("refuses a request object alg it cannot verify", async () => {
    const realm = await seedRealm();
    const response = await register(realm, {
      ...code,
      jwks: { keys: [signerJwk] },
      request_object_signing_alg: "HS256",
    });

    await expectError(response, 400, "invalid_client_metadata");
  });
});
