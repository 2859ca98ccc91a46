import type { Context } from "hono";
import type { AppEnv } from "../../config";
import { constantTimeEqual, sha256 } from "../../crypto/digest";
import { randomId, randomToken } from "../../crypto/random";
import {
  deleteClient,
  insertRegisteredClient,
  updateRegisteredClient,
} from "../../db/client-registrations";
import { sealClientSecret } from "../../db/client-secret";
import { type Client, findClient } from "../../db/clients";
import { isInitialAccessTokenUsable, useInitialAccessToken } from "../../db/initial-access-tokens";
import { emitEvent } from "../../events/record";
import { OAuthError } from "../../http/errors";
import { logEvent } from "../../http/log";
import { MAX_BODY_BYTES } from "../../http/params";
import { originsOf } from "../../realm-import/uris";
import { nowSeconds } from "../../time";
import { clientInformation } from "./client-information";
import { type ClientMetadata, parseClientMetadata } from "./metadata";

/** RFC 6750 §2.1: the bearer token of the Authorization header, if any. */
function bearer(c: Context<AppEnv>): string | undefined {
  const header = c.req.header("authorization");
  if (header === undefined) return undefined;
  if (!header.toLowerCase().startsWith("bearer ")) {
    throw new OAuthError("invalid_token", "Use a Bearer token.");
  }
  return header.slice(7).trim();
}

async function readMetadata(c: Context<AppEnv>): Promise<ClientMetadata> {
  const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new OAuthError("invalid_client_metadata", "The body must be application/json.");
  }
  const body = await c.req.arrayBuffer();
  if (body.byteLength > MAX_BODY_BYTES) {
    throw new OAuthError("invalid_client_metadata", "The request body is too large.");
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new OAuthError("invalid_client_metadata", "The body is not valid JSON.");
  }
  return parseClientMetadata(json);
}

/**
 * RFC 7591 §3: an initial access token, or none where the realm allows open registration.
 * The token is only checked here; it is used up once the metadata passed.
 */
async function checkRegistrationAccess(c: Context<AppEnv>, now: number) {
  const token = bearer(c);
  if (token === undefined) {
    if (c.var.realm.clientRegistrationAnonymous) return undefined;
    throw new OAuthError("invalid_token", "An initial access token is required.");
  }
  if (!(await isInitialAccessTokenUsable(c.var.db, c.var.realm.id, token, now))) {
    throw new OAuthError("invalid_token", "The initial access token is not valid.");
  }
  return token;
}

/** The client row settings that follow from the metadata. */
function settings(metadata: ClientMetadata) {
  return {
    name: metadata.clientName ?? null,
    redirectUris: metadata.redirectUris,
    postLogoutRedirectUris: metadata.postLogoutRedirectUris,
    // Keycloak's "+": a browser app may call the token endpoint from its redirect URIs' origins.
    webOrigins: originsOf(metadata.redirectUris),
    serviceAccountsEnabled: metadata.grantTypes.includes("client_credentials"),
    implicitFlowEnabled: metadata.grantTypes.includes("implicit"),
    idTokenAlg: metadata.idTokenAlg ?? null,
    jwks: metadata.jwks ?? null,
    jwksUri: metadata.jwksUri ?? null,
    requestUris: metadata.requestUris,
    requestObjectSignatureAlg: metadata.requestObjectAlg ?? null,
  };
}

/** Keycloak's clientAuthenticatorType for a token_endpoint_auth_method. */
function authenticatorType(method: string): Client["clientAuthenticatorType"] {
  if (method === "private_key_jwt") return "client-jwt";
  if (method === "client_secret_jwt") return "client-secret-jwt";
  return "client-secret";
}

/** Client registration (RFC 7591 §3.1): 201 with the client information and its secrets. */
export async function registerClient(c: Context<AppEnv>): Promise<Response> {
  const { db, realm } = c.var;
  const now = nowSeconds();
  const initialToken = await checkRegistrationAccess(c, now);
  const metadata = await readMetadata(c);
  if (initialToken && !(await useInitialAccessToken(db, realm.id, initialToken, now))) {
    throw new OAuthError("invalid_token", "The initial access token is not valid.");
  }

  const method = metadata.tokenEndpointAuthMethod;
  const publicClient = method === "none";
  // private_key_jwt clients prove themselves with their keys and get no secret.
  const clientSecret = publicClient || method === "private_key_jwt" ? undefined : randomToken();
  const registrationAccessToken = randomToken();
  const id = randomId();
  const row = {
    id,
    realmId: realm.id,
    clientId: randomId(),
    enabled: true,
    publicClient,
    clientAuthenticatorType: authenticatorType(method),
    secretHash: clientSecret ? await sha256(clientSecret) : null,
    // client_secret_jwt signs with the secret itself, so it is kept sealed as well.
    secretSealed:
      clientSecret && method === "client_secret_jwt"
        ? await sealClientSecret(c.env.KEY_ENCRYPTION_SECRET, id, clientSecret)
        : null,
    pkceRequired: false,
    // Nobody vouched for a client registered without an initial access token: like Keycloak's
    // anonymous registration policy, it must ask each person for consent.
    consentRequired: initialToken === undefined,
    registrationTokenHash: await sha256(registrationAccessToken),
    createdAt: now,
    ...settings(metadata),
  };
  await insertRegisteredClient(db, row);
  logEvent("client.registered", { realm: realm.id, clientId: row.clientId });
  emitEvent(c, "CLIENT_REGISTER", { clientId: row.clientId });

  const client = await findClient(db, realm.id, row.clientId);
  if (!client) throw new Error("The registered client cannot be read back.");
  const secrets = { clientSecret, registrationAccessToken };
  return c.json(clientInformation(client, c.var.issuer, secrets), 201);
}

/**
 * RFC 7592 §2: the registration access token must belong to the client named in the path.
 * Unknown clients answer like a wrong token, so the endpoint tells nobody which ids exist.
 */
async function registeredClient(c: Context<AppEnv>): Promise<Client> {
  const token = bearer(c);
  const client = await findClient(c.var.db, c.var.realm.id, c.req.param("clientId") ?? "");
  const presented = token === undefined ? undefined : await sha256(token);
  if (
    presented === undefined ||
    !client?.registrationTokenHash ||
    !constantTimeEqual(presented, client.registrationTokenHash)
  ) {
    throw new OAuthError("invalid_token", "The registration access token is not valid.");
  }
  return client;
}

/** Client read (RFC 7592 §2.1). The secret is stored hashed, so it is not answered again. */
export async function readRegisteredClient(c: Context<AppEnv>): Promise<Response> {
  const client = await registeredClient(c);
  c.header("Cache-Control", "no-store");
  return c.json(clientInformation(client, c.var.issuer, {}));
}

/**
 * Client update (RFC 7592 §2.2): the metadata replaces what was registered. The client's type
 * stays as registered, and the registration access token is replaced (§2.2 allows it).
 */
export async function updateClient(c: Context<AppEnv>): Promise<Response> {
  const client = await registeredClient(c);
  const metadata = await readMetadata(c);

  if (metadata.clientId !== client.clientId) {
    throw new OAuthError("invalid_request", "client_id must name the client being updated.");
  }
  if (metadata.clientSecret !== undefined) {
    const matches =
      client.secretHash !== null &&
      constantTimeEqual(await sha256(metadata.clientSecret), client.secretHash);
    if (!matches) throw new OAuthError("invalid_request", "client_secret does not match.");
  }
  const method = metadata.tokenEndpointAuthMethod;
  if (
    (method === "none") !== client.publicClient ||
    authenticatorType(method) !== client.clientAuthenticatorType
  ) {
    // Basic and post are one kind; moving to another kind would need new credentials.
    throw new OAuthError(
      "invalid_client_metadata",
      "token_endpoint_auth_method can only change between client_secret_basic and _post.",
    );
  }

  const registrationAccessToken = randomToken();
  const update = {
    ...settings(metadata),
    registrationTokenHash: await sha256(registrationAccessToken),
  };
  await updateRegisteredClient(c.var.db, client, update, nowSeconds());
  logEvent("client.updated", { realm: c.var.realm.id, clientId: client.clientId });
  emitEvent(c, "CLIENT_UPDATE", { clientId: client.clientId });

  c.header("Cache-Control", "no-store");
  const updated = { ...client, ...update };
  return c.json(clientInformation(updated, c.var.issuer, { registrationAccessToken }));
}

/** Client delete (RFC 7592 §2.3): 204, and the client's credentials stop working. */
export async function deleteRegisteredClient(c: Context<AppEnv>): Promise<Response> {
  const client = await registeredClient(c);
  await deleteClient(c.var.db, c.var.realm.id, client.id);
  logEvent("client.deleted", { realm: c.var.realm.id, clientId: client.clientId });
  emitEvent(c, "CLIENT_DELETE", { clientId: client.clientId });
  return c.body(null, 204);
}
