import { z } from "zod";
import type { Database } from "../../db/client";
import { type ClientScopeSet, loadClientScopeSet } from "../../db/client-scopes";
import type { Client } from "../../db/clients";
import { findClient } from "../../db/clients";
import type { Realm } from "../../db/realms";
import { OAuthError, PageError } from "../../http/errors";
import type { Params } from "../../http/params";
import { type ClaimsRequest, parseClaimsRequest } from "../claims-request";
import { allowedResources } from "../protocol-mappers";
import { checkResources, parseResource } from "../resource";
import { grantedScope, parseScope } from "../scopes";
import { acrRequirement } from "./acr";
import { isRegisteredRedirectUri } from "./redirect-uri";

export type ResponseMode = "query" | "fragment" | "form_post";
/** The response types Latchkey answers; the implicit ones need the client's implicitFlowEnabled. */
export type ResponseType = "code" | "id_token" | "code id_token";
export type Prompt = "none" | "login" | "consent" | "select_account" | "create";

/** A validated authorization request (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1). */
export interface AuthorizationRequest {
  client: Client;
  redirectUri: string;
  responseType: ResponseType;
  responseMode: ResponseMode;
  scope: string;
  /** The realm's client scopes and the client's mappers, which shaped `scope`. */
  scopeSet: ClientScopeSet;
  /** RFC 8707 resources asked for, carried with the code. */
  resource: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  /** RFC 9449 §10: the thumbprint of the key the code must be redeemed with. */
  dpopJkt?: string;
  prompt: Prompt[];
  maxAge?: number;
  loginHint?: string;
  /** An ID token the client holds, naming who it expects to be signed in (unverified here). */
  idTokenHint?: string;
  uiLocales?: string;
  /** The `claims` parameter (OpenID Connect Core §5.5), with only the claims we know. */
  claims?: ClaimsRequest;
  /** The `acr_values` asked for (§3.1.2.1), recorded with the code; they steer nothing yet. */
  acrValues?: string;
  /** The parameters as received, to carry through the sign-in and sign-up forms. */
  params: Params;
}

/**
 * An error found after the client and redirect_uri were validated, so it may be sent to the
 * redirect_uri (RFC 6749 §4.1.2.1).
 */
export class RedirectableError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectUri: string,
    readonly responseMode: ResponseMode,
    readonly state: string | undefined,
  ) {
    super(error.message);
  }
}

const text = (max: number) => z.string().max(max).optional();

const requestShape = z.object({
  response_type: text(64),
  response_mode: text(32),
  scope: text(1024),
  state: text(2048),
  nonce: text(512),
  code_challenge: text(128),
  code_challenge_method: text(16),
  dpop_jkt: text(64),
  prompt: text(128),
  max_age: text(16),
  login_hint: text(320),
  id_token_hint: text(8192),
  ui_locales: text(128),
  claims: text(4096),
  acr_values: text(256),
  resource: text(4096),
});

/** RFC 7636 §4.2: a S256 challenge is the base64url SHA-256 of the verifier, 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** RFC 9449 §10: dpop_jkt is a JWK SHA-256 thumbprint (RFC 7638), 43 base64url characters. */
function checkDpopJkt(jkt: string | undefined): string | undefined {
  if (jkt !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(jkt)) {
    throw new OAuthError("invalid_request", "dpop_jkt is not a JWK SHA-256 thumbprint.");
  }
  return jkt;
}

/** Resolves the client; unknown or disabled clients are shown an error page, never redirected. */
async function checkClient(db: Database, realm: Realm, params: Params): Promise<Client> {
  const clientId = params.client_id;
  if (!clientId || clientId.length > 255) throw new PageError("error.unknownClient");

  const client = await findClient(db, realm.id, clientId);
  if (!client?.enabled) throw new PageError("error.unknownClient");
  return client;
}

/**
 * The redirect_uri must equal one registered for the client, character for character, loopback
 * ports of public clients aside (RFC 8252 §7.3).
 */
function checkRedirectUri(client: Client, params: Params): string {
  const redirectUri = params.redirect_uri;
  if (!redirectUri) throw new PageError("error.missingRedirectUri");
  if (!isRegisteredRedirectUri(client, redirectUri)) {
    throw new PageError("error.invalidRedirectUri");
  }
  return redirectUri;
}

const responseModes = new Set<string>(["query", "fragment", "form_post"]);

/** The response type's values in a fixed order, since "id_token code" means the same. */
function normalizedType(type: string | undefined): string | undefined {
  return type?.split(" ").filter(Boolean).sort().join(" ");
}

/**
 * OAuth 2.0 Multiple Response Types §2.1 and Form Post Response Mode: query by default for
 * code, fragment once an ID token travels in the response, which must never go in the query.
 */
function checkResponseMode(mode: string | undefined, type: string | undefined): ResponseMode {
  const carriesIdToken = normalizedType(type)?.includes("id_token") ?? false;
  if (mode === undefined) return carriesIdToken ? "fragment" : "query";
  if (!responseModes.has(mode)) {
    throw new OAuthError("invalid_request", "Unsupported response_mode.");
  }
  if (mode === "query" && carriesIdToken) {
    throw new OAuthError("invalid_request", "An ID token cannot be returned in the query.");
  }
  return mode as ResponseMode;
}

/**
 * `code` for every client; `id_token` and `code id_token` (OpenID Connect Core §3.2, §3.3)
 * for clients with implicitFlowEnabled, and then with a nonce (§3.2.2.1). Access tokens never
 * travel in the front channel (RFC 9700 §2.1.2), so `token` types are unsupported.
 */
function checkResponseType(client: Client, type: string | undefined, nonce?: string) {
  if (type === undefined) throw new OAuthError("invalid_request", "Missing response_type.");
  const normalized = normalizedType(type);
  if (normalized === "code") return "code";
  if (normalized !== "id_token" && normalized !== "code id_token") {
    throw new OAuthError("unsupported_response_type", "Unsupported response_type.");
  }
  if (!client.implicitFlowEnabled) {
    throw new OAuthError("unauthorized_client", "The client may only use response_type=code.");
  }
  if (nonce === undefined) {
    throw new OAuthError("invalid_request", "A nonce is required when an ID token is returned.");
  }
  return normalized === "id_token" ? "id_token" : "code id_token";
}

/** PKCE with S256 only; required for public clients and clients that opt in (RFC 9700 §2.1.1). */
function checkPkce(client: Client, challenge?: string, method?: string): string | undefined {
  if (challenge === undefined) {
    if (method !== undefined) {
      throw new OAuthError("invalid_request", "code_challenge_method without code_challenge.");
    }
    if (client.publicClient || client.pkceRequired) {
      throw new OAuthError("invalid_request", "PKCE code_challenge is required.");
    }
    return undefined;
  }
  if (method !== "S256") {
    throw new OAuthError("invalid_request", "code_challenge_method must be S256.");
  }
  if (!S256_CHALLENGE.test(challenge)) {
    throw new OAuthError("invalid_request", "Malformed code_challenge.");
  }
  return challenge;
}

const prompts = new Set<Prompt>(["none", "login", "consent", "select_account", "create"]);

/** OpenID Connect Core §3.1.2.1: `none` may not be combined with any other value. */
function checkPrompt(prompt: string | undefined): Prompt[] {
  const values = (prompt ?? "").split(" ").filter((value) => value !== "");
  if (values.some((value) => !prompts.has(value as Prompt))) {
    throw new OAuthError("invalid_request", "Unsupported prompt value.");
  }
  if (values.includes("none") && values.length > 1) {
    throw new OAuthError("invalid_request", "prompt=none cannot be combined with other values.");
  }
  return values as Prompt[];
}

function checkMaxAge(maxAge: string | undefined): number | undefined {
  if (maxAge === undefined) return undefined;
  if (!/^\d{1,9}$/.test(maxAge)) {
    throw new OAuthError("invalid_request", "max_age must be a non-negative integer.");
  }
  return Number(maxAge);
}

/**
 * Request objects and request_uris are resolved before this (resolve.ts), and an object may
 * not hold another: none may be left here.
 */
function checkNoRequestObject(params: Params): void {
  if (params.request !== undefined) {
    throw new OAuthError("request_not_supported", "Request objects are not supported.");
  }
  if (params.request_uri !== undefined) {
    throw new OAuthError("request_uri_not_supported", "request_uri is not supported.");
  }
}

/**
 * The `claims` parameter (OpenID Connect Core §5.5). An essential `acr` no sign-in here can
 * reach is refused up front (§5.5.1.1), as Keycloak does when it cannot reach the level.
 */
function checkClaims(raw: string | undefined): ClaimsRequest | undefined {
  const claims = parseClaimsRequest(raw);
  if (acrRequirement(claims) === "unmet") {
    throw new OAuthError(
      "unmet_authentication_requirements",
      "The requested authentication level cannot be met.",
    );
  }
  return claims;
}

/** How the parameters reached us: as they are, pushed (RFC 9126), or in a request object. */
export type RequestSource = "plain" | "pushed" | "request_object";

/** RFC 9126 §5: a client registered to require PAR may not send its parameters directly. */
function checkPushedIfRequired(client: Client, source: RequestSource): void {
  if (client.requirePushedAuthorizationRequests && source !== "pushed") {
    throw new OAuthError("invalid_request", "This client must use pushed authorization requests.");
  }
}

/**
 * Validates an authorization request: first the client and its redirect_uri (errors shown as
 * a page), then everything else (errors sent to the redirect_uri).
 */
export async function parseAuthorizationRequest(
  db: Database,
  realm: Realm,
  params: Params,
  source: RequestSource = "plain",
): Promise<AuthorizationRequest> {
  const client = await checkClient(db, realm, params);
  const redirectUri = checkRedirectUri(client, params);
  const parsed = requestShape.safeParse(params);
  const state = parsed.success ? parsed.data.state : undefined;
  const responseMode = parsed.success
    ? checkResponseModeSafe(parsed.data.response_mode, parsed.data.response_type)
    : "query";

  try {
    if (!parsed.success) throw new OAuthError("invalid_request", "A parameter is too long.");
    const p = parsed.data;

    checkResponseMode(p.response_mode, p.response_type);
    const responseType = checkResponseType(client, p.response_type, p.nonce);
    checkNoRequestObject(params);
    checkPushedIfRequired(client, source);
    const scopeSet = await loadClientScopeSet(db, realm.id, client.id);
    const scope = grantedScope(
      parseScope(p.scope, scopeSet.realmScopes),
      client,
      scopeSet.realmScopes,
    );
    const resource = checkResources(parseResource(p.resource), allowedResources(scopeSet, client));

    return {
      client,
      redirectUri,
      responseType,
      responseMode,
      scope,
      scopeSet,
      resource,
      state: p.state,
      nonce: p.nonce,
      // PKCE protects a code; a response with only an ID token has none to protect.
      codeChallenge:
        responseType === "id_token"
          ? undefined
          : checkPkce(client, p.code_challenge, p.code_challenge_method),
      dpopJkt: checkDpopJkt(p.dpop_jkt),
      prompt: checkPrompt(p.prompt),
      maxAge: checkMaxAge(p.max_age),
      loginHint: p.login_hint,
      idTokenHint: p.id_token_hint,
      uiLocales: p.ui_locales,
      claims: checkClaims(p.claims),
      acrValues: p.acr_values,
      params,
    };
  } catch (error) {
    if (error instanceof OAuthError) {
      throw new RedirectableError(error, redirectUri, responseMode, state);
    }
    throw error;
  }
}

/**
 * The response mode to answer an error in: the requested or default one, or the default where
 * the requested one is not allowed.
 */
function checkResponseModeSafe(mode: string | undefined, type: string | undefined): ResponseMode {
  try {
    return checkResponseMode(mode, type);
  } catch {
    return checkResponseMode(undefined, type);
  }
}
