import { env, SELF } from "cloudflare:test";
import { inArray } from "drizzle-orm";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { createInitialAccessToken } from "../../../src/db/initial-access-tokens";
import { clients } from "../../../src/db/schema";
import { Browser } from "../support/browser";
import { basicAuthorization } from "../support/clients";
import { authorizeUrl, pkcePair, redirectParams, signIn, tokenRequest } from "../support/oidc";
import { defaultRealmRoles, seedRealm } from "../support/realm";
import { realmId } from "../support/store";

const db = database(env.DB);
const APP_REDIRECT = "https://app.example/callback";

type Realm = Awaited<ReturnType<typeof seedRealm>>;
type Information = Record<string, unknown> & {
  client_id: string;
  client_secret?: string;
  registration_access_token: string;
  registration_client_uri: string;
};

async function initialToken(realm: Realm, options: { count?: number; expiresIn?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const id = await realmId(realm.name);
  const { count = 1, expiresIn = 3600 } = options;
  return createInitialAccessToken(db, id, { count, expiresIn, now });
}

function register(realm: Realm, metadata: unknown, token?: string, type = "application/json") {
  return SELF.fetch(`${realm.issuer}/clients-registrations/openid-connect`, {
    method: "POST",
    headers: {
      "content-type": type,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof metadata === "string" ? metadata : JSON.stringify(metadata),
  });
}

async function registered(realm: Realm, metadata: unknown): Promise<Information> {
  const response = await register(realm, metadata, await initialToken(realm));
  expect(response.status).toBe(201);
  return (await response.json()) as Information;
}

function manage(info: Information, method: string, token: string, body?: unknown) {
  return SELF.fetch(info.registration_client_uri, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

const serviceMetadata = { client_name: "Nightly job", grant_types: ["client_credentials"] };

function clientCredentials(realm: Realm, info: Information) {
  return tokenRequest(
    realm.oidc,
    { grant_type: "client_credentials" },
    { authorization: basicAuthorization(info.client_id, info.client_secret ?? "") },
  );
}

/** Signs ada in for a registered public client and exchanges the code with PKCE. */
async function signInWith(realm: Realm, clientId: string) {
  const pkce = await pkcePair();
  const url = authorizeUrl(realm.oidc, {
    client_id: clientId,
    redirect_uri: APP_REDIRECT,
    response_type: "code",
    scope: "openid",
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
  });
  const callback = redirectParams(await signIn(new Browser(), url));
  return tokenRequest(realm.oidc, {
    grant_type: "authorization_code",
    client_id: clientId,
    code: callback.get("code") ?? "",
    redirect_uri: APP_REDIRECT,
    code_verifier: pkce.verifier,
  });
}

describe("dynamic client registration (RFC 7591)", () => {
  it("is advertised as the registration_endpoint at Keycloak's path", async () => {
    const realm = await seedRealm();
    const config = (await (
      await SELF.fetch(`${realm.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(config.registration_endpoint).toBe(
      `${realm.issuer}/clients-registrations/openid-connect`,
    );
  });

  it("registers a confidential client whose secret then works at the token endpoint", async () => {
    const realm = await seedRealm();

    const info = await registered(realm, serviceMetadata);
    expect(info).toMatchObject({
      client_name: "Nightly job",
      token_endpoint_auth_method: "client_secret_basic",
      grant_types: ["client_credentials"],
      client_secret_expires_at: 0,
    });
    expect(info.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(info.registration_client_uri).toBe(
      `${realm.issuer}/clients-registrations/openid-connect/${info.client_id}`,
    );

    const response = await clientCredentials(realm, info);
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    // Its service account got the realm's default role, as Keycloak gives one.
    expect(decodeJwt(access_token).realm_access).toEqual({ roles: defaultRealmRoles(realm.name) });
  });

  it("registers a public client that signs people in with the code flow and PKCE", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, {
      redirect_uris: [APP_REDIRECT],
      token_endpoint_auth_method: "none",
    });
    expect(info.client_secret).toBeUndefined();
    expect(info.grant_types).toEqual(["authorization_code", "refresh_token"]);

    const response = await signInWith(realm, info.client_id);
    expect(response.status).toBe(200);
  });

  it("records the ID token alg a client asks for and signs its ID tokens with it", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, {
      redirect_uris: [APP_REDIRECT],
      token_endpoint_auth_method: "none",
      id_token_signed_response_alg: "EdDSA",
    });
    expect(info.id_token_signed_response_alg).toBe("EdDSA");

    const response = await signInWith(realm, info.client_id);
    const { id_token } = (await response.json()) as { id_token: string };
    expect(decodeProtectedHeader(id_token).alg).toBe("EdDSA");
  });

  it("registers a client for the hybrid flow with the implicit grant", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, {
      redirect_uris: [APP_REDIRECT],
      grant_types: ["authorization_code", "implicit"],
      response_types: ["code", "id_token code"],
    });
    expect(info.grant_types).toContain("implicit");
    expect(info.response_types).toEqual(["code", "code id_token", "id_token"]);
  });

  it("refuses registration without an initial access token unless the realm is open", async () => {
    const closed = await seedRealm();
    const refused = await register(closed, serviceMetadata);
    await expectError(refused, 401, "invalid_token");
    // RFC 6750 §3.1: no error code in the challenge when no token was sent.
    expect(refused.headers.get("www-authenticate")).toBe(`Bearer realm="${closed.name}"`);

    const open = await seedRealm({ clientRegistrationAnonymous: true });
    expect((await register(open, serviceMetadata)).status).toBe(201);
  });

  it("makes clients registered without a token ask people for consent", async () => {
    const open = await seedRealm({ clientRegistrationAnonymous: true });
    const anonymous = (await (
      await register(open, { redirect_uris: [APP_REDIRECT], token_endpoint_auth_method: "none" })
    ).json()) as Information;
    const vouched = await registered(open, {
      redirect_uris: [APP_REDIRECT],
      token_endpoint_auth_method: "none",
    });

    const rows = await db.query.clients.findMany({
      where: inArray(clients.clientId, [anonymous.client_id, vouched.client_id]),
    });
    const consent = Object.fromEntries(rows.map((row) => [row.clientId, row.consentRequired]));
    expect(consent).toEqual({ [anonymous.client_id]: true, [vouched.client_id]: false });
  });

  it("refuses a bad initial access token even where the realm is open", async () => {
    const open = await seedRealm({ clientRegistrationAnonymous: true });
    const refused = await register(open, serviceMetadata, "not-a-token");
    await expectError(refused, 401, "invalid_token");
    expect(refused.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("uses an initial access token only as many times as it allows", async () => {
    const realm = await seedRealm();
    const token = await initialToken(realm, { count: 1 });

    expect((await register(realm, serviceMetadata, token)).status).toBe(201);
    await expectError(await register(realm, serviceMetadata, token), 401, "invalid_token");
  });

  it("refuses an expired initial access token and one from another realm", async () => {
    const realm = await seedRealm();
    const other = await seedRealm();

    const expired = await initialToken(realm, { expiresIn: -1 });
    await expectError(await register(realm, serviceMetadata, expired), 401, "invalid_token");
    const foreign = await initialToken(other);
    await expectError(await register(realm, serviceMetadata, foreign), 401, "invalid_token");
  });

  it("does not use up the initial access token on invalid metadata", async () => {
    const realm = await seedRealm();
    const token = await initialToken(realm, { count: 1 });

    const bad = await register(realm, { grant_types: ["implicit"] }, token);
    await expectError(bad, 400, "invalid_client_metadata");
    expect((await register(realm, serviceMetadata, token)).status).toBe(201);
  });

  it.each([
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,hi"],
    ["a fragment", "https://app.example/cb#x"],
    ["a wildcard", "https://app.example/*"],
    ["a relative URI", "/callback"],
  ])("refuses a redirect URI with %s as invalid_redirect_uri", async (_, uri) => {
    const realm = await seedRealm();
    const response = await register(realm, { redirect_uris: [uri] }, await initialToken(realm));
    await expectError(response, 400, "invalid_redirect_uri");
  });

  it("refuses the code grant without redirect URIs", async () => {
    const realm = await seedRealm();
    const response = await register(realm, { client_name: "x" }, await initialToken(realm));
    await expectError(response, 400, "invalid_redirect_uri");
  });

  it.each([
    ["an unsupported grant type", { grant_types: ["implicit"] }],
    ["an unsupported response type", { redirect_uris: [APP_REDIRECT], response_types: ["token"] }],
    ["an unsupported auth method", { ...serviceMetadata, token_endpoint_auth_method: "tls" }],
    [
      "client_credentials without a secret",
      { ...serviceMetadata, token_endpoint_auth_method: "none" },
    ],
    [
      "a code response type without the code grant",
      { ...serviceMetadata, response_types: ["code"] },
    ],
    [
      "a refresh token without the code grant",
      { grant_types: ["client_credentials", "refresh_token"] },
    ],
    ["an unknown application_type", { ...serviceMetadata, application_type: "desktop" }],
    ["a non-string client_name", { ...serviceMetadata, client_name: 7 }],
    ["a JSON array body", [serviceMetadata]],
    [
      "id_token without the implicit grant",
      { redirect_uris: [APP_REDIRECT], response_types: ["code", "id_token"] },
    ],
    [
      "the implicit grant without id_token",
      { redirect_uris: [APP_REDIRECT], grant_types: ["authorization_code", "implicit"] },
    ],
    ["an ID token alg of none", { ...serviceMetadata, id_token_signed_response_alg: "none" }],
  ])("refuses %s as invalid_client_metadata", async (_, metadata) => {
    const realm = await seedRealm();
    const response = await register(realm, metadata, await initialToken(realm));
    await expectError(response, 400, "invalid_client_metadata");
  });

  it("refuses a body that is not JSON", async () => {
    const realm = await seedRealm();
    const token = await initialToken(realm, { count: 2 });
    await expectError(await register(realm, "{", token), 400, "invalid_client_metadata");
    const form = await register(realm, "a=b", token, "application/x-www-form-urlencoded");
    await expectError(form, 400, "invalid_client_metadata");
  });
});

describe("client registration management (RFC 7592)", () => {
  it("reads the client with its registration access token, without the secret", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, serviceMetadata);

    const response = await manage(info, "GET", info.registration_access_token);
    expect(response.status).toBe(200);
    const read = (await response.json()) as Information;
    expect(read).toMatchObject({ client_id: info.client_id, client_name: "Nightly job" });
    expect(read.client_secret).toBeUndefined();
    expect(read.registration_access_token).toBeUndefined();
  });

  it("refuses a wrong token, another client's token and an unknown client alike", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, serviceMetadata);
    const other = await registered(realm, serviceMetadata);

    await expectError(await manage(info, "GET", "wrong"), 401, "invalid_token");
    await expectError(
      await manage(info, "GET", other.registration_access_token),
      401,
      "invalid_token",
    );
    const unknown = { ...info, registration_client_uri: `${info.registration_client_uri}x` };
    await expectError(
      await manage(unknown, "GET", info.registration_access_token),
      401,
      "invalid_token",
    );
  });

  it("refuses management of clients that were not registered dynamically", async () => {
    const realm = await seedRealm();
    const uri = `${realm.issuer}/clients-registrations/openid-connect/backend`;
    const response = await SELF.fetch(uri, { headers: { authorization: "Bearer anything" } });
    await expectError(response, 401, "invalid_token");
  });

  it("updates the metadata and replaces the registration access token", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, { redirect_uris: [APP_REDIRECT] });

    const response = await manage(info, "PUT", info.registration_access_token, {
      client_id: info.client_id,
      client_name: "Renamed",
      redirect_uris: ["https://app.example/other"],
    });
    expect(response.status).toBe(200);
    const updated = (await response.json()) as Information;
    expect(updated).toMatchObject({
      client_name: "Renamed",
      redirect_uris: ["https://app.example/other"],
    });
    expect(updated.registration_access_token).not.toBe(info.registration_access_token);

    await expectError(
      await manage(info, "GET", info.registration_access_token),
      401,
      "invalid_token",
    );
    expect((await manage(info, "GET", updated.registration_access_token)).status).toBe(200);
  });

  it("refuses an update naming another client_id, a wrong secret or a new type", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, serviceMetadata);
    const token = info.registration_access_token;

    const otherId = await manage(info, "PUT", token, { ...serviceMetadata, client_id: "other" });
    await expectError(otherId, 400, "invalid_request");
    const wrongSecret = { ...serviceMetadata, client_id: info.client_id, client_secret: "no" };
    await expectError(await manage(info, "PUT", token, wrongSecret), 400, "invalid_request");
    const toPublic = {
      client_id: info.client_id,
      redirect_uris: [APP_REDIRECT],
      token_endpoint_auth_method: "none",
    };
    await expectError(await manage(info, "PUT", token, toPublic), 400, "invalid_client_metadata");

    // Nothing changed: the same token still reads the same client.
    const read = (await (await manage(info, "GET", token)).json()) as Information;
    expect(read.grant_types).toEqual(["client_credentials"]);
  });

  it("deletes the client, after which its secret and token stop working", async () => {
    const realm = await seedRealm();
    const info = await registered(realm, serviceMetadata);

    expect((await manage(info, "DELETE", info.registration_access_token)).status).toBe(204);
    await expectError(await clientCredentials(realm, info), 401, "invalid_client");
    await expectError(
      await manage(info, "GET", info.registration_access_token),
      401,
      "invalid_token",
    );
  });
});
