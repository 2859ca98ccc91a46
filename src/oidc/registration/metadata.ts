import { z } from "zod";
import { OAuthError } from "../../http/errors";
import { SIGNING_ALGS, type SigningAlg } from "../../keys/generate";
import { jwksString, jwksUrl, requestUris } from "../../realm-import/client-authentication";
import { redirectUriProblem } from "../../realm-import/uris";
import { ASYMMETRIC_ALGS } from "../client-keys/algorithms";

/** The token endpoint authentication methods a registered client may choose. */
export const registrationAuthMethods = [
  "client_secret_basic",
  "client_secret_post",
  "client_secret_jwt",
  "private_key_jwt",
  "none",
];
export const registrationGrantTypes = [
  "authorization_code",
  "implicit",
  "refresh_token",
  "client_credentials",
];
const registrationResponseTypes = ["code", "id_token", "code id_token"];

const uri = z.string().max(2048);
const uniqueList = <T extends z.ZodType>(item: T) => z.array(item).max(50);

/**
 * The client metadata Latchkey registers (RFC 7591 §2, OpenID Connect Registration §2).
 * Metadata it does not know is ignored, as RFC 7591 §2 asks.
 */
const metadataShape = z.object({
  redirect_uris: uniqueList(uri).optional(),
  post_logout_redirect_uris: uniqueList(uri).optional(),
  token_endpoint_auth_method: z.string().max(64).optional(),
  grant_types: uniqueList(z.string().max(128)).optional(),
  response_types: uniqueList(z.string().max(64)).optional(),
  client_name: z.string().max(255).optional(),
  application_type: z.string().max(16).optional(),
  id_token_signed_response_alg: z.string().max(16).optional(),
  jwks: z.unknown().optional(),
  jwks_uri: uri.optional(),
  request_uris: uniqueList(uri).optional(),
  request_object_signing_alg: z.string().max(16).optional(),
  client_id: z.string().max(255).optional(),
  client_secret: z.string().max(1024).optional(),
});

/** Validated metadata, with RFC 7591's defaults filled in. */
export interface ClientMetadata {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  tokenEndpointAuthMethod: string;
  grantTypes: string[];
  responseTypes: string[];
  clientName?: string;
  applicationType: "web" | "native";
  idTokenAlg?: SigningAlg;
  /** The client's public keys, by value or by reference, for private_key_jwt. */
  jwks?: { keys: JsonWebKey[] };
  jwksUri?: string;
  /** Where request objects may be fetched from, without their fragments. */
  requestUris: string[];
  /** The alg request objects must be signed with ("none" for unsigned ones). */
  requestObjectAlg?: string;
  /** Present on RFC 7592 updates: must name the client being updated. */
  clientId?: string;
  clientSecret?: string;
}

const metadataError = (description: string) =>
  new OAuthError("invalid_client_metadata", description);

function checkRedirectUris(uris: readonly string[], field: string): void {
  for (const entry of uris) {
    const problem = redirectUriProblem(entry);
    if (problem) throw new OAuthError("invalid_redirect_uri", `${field}: ${problem}.`);
  }
}

function checkAllowed(values: readonly string[], allowed: readonly string[], field: string) {
  const unknown = values.find((value) => !allowed.includes(value));
  if (unknown !== undefined) throw metadataError(`${field}: "${unknown}" is not supported.`);
}

/**
 * RFC 7591 §2.1: grant types and response types must agree; the code grant needs a
 * redirect URI, and only a confidential client may use client_credentials (RFC 6749 §4.4).
 */
function checkConsistency(metadata: ClientMetadata): void {
  const usesCode = metadata.grantTypes.includes("authorization_code");
  const codeTypes = metadata.responseTypes.filter((type) => type.startsWith("code"));
  if (codeTypes.length > 0 !== usesCode) {
    throw metadataError("response_types with code and grant_types authorization_code go together.");
  }
  const idTokenTypes = metadata.responseTypes.filter((type) => type.includes("id_token"));
  if (idTokenTypes.length > 0 !== metadata.grantTypes.includes("implicit")) {
    throw metadataError("response_types with id_token and grant_types implicit go together.");
  }
  if (metadata.grantTypes.includes("refresh_token") && !usesCode) {
    throw metadataError("grant_types refresh_token needs authorization_code.");
  }
  if (metadata.responseTypes.length > 0 && metadata.redirectUris.length === 0) {
    throw new OAuthError("invalid_redirect_uri", "redirect_uris is required for these grants.");
  }
  const isPublic = metadata.tokenEndpointAuthMethod === "none";
  if (isPublic && metadata.grantTypes.includes("client_credentials")) {
    throw metadataError("client_credentials needs client authentication, not none.");
  }
}

/**
 * OpenID Connect Registration §2: `jwks` and `jwks_uri` are public keys, one or the other,
 * checked as realm files check them; private_key_jwt needs one of them.
 */
function checkKeys(metadata: ClientMetadata, jwks: unknown, jwksUri: string | undefined) {
  if (jwks !== undefined && jwksUri !== undefined) {
    throw metadataError("Register jwks or jwks_uri, not both.");
  }
  if (jwks !== undefined) {
    const parsed = jwksString.safeParse(JSON.stringify(jwks));
    if (!parsed.success) throw metadataError(`jwks ${parsed.error.issues[0]?.message}.`);
    metadata.jwks = parsed.data;
  }
  if (jwksUri !== undefined) {
    const parsed = jwksUrl.safeParse(jwksUri);
    if (!parsed.success) throw metadataError(`jwks_uri: ${parsed.error.issues[0]?.message}.`);
    metadata.jwksUri = jwksUri;
  }
  if (metadata.tokenEndpointAuthMethod === "private_key_jwt" && !metadata.jwks && !jwksUri) {
    throw metadataError("private_key_jwt needs the client's keys in jwks or jwks_uri.");
  }
}

/**
 * OpenID Connect Registration §2 `request_uris`: https URLs, each stored without its fragment
 * (the client's version marker), since a presented request_uri is compared without one.
 */
function checkRequestUris(uris: readonly string[]): string[] {
  const parsed = requestUris.safeParse(
    uris.map((entry) => (URL.canParse(entry) ? withoutFragment(entry) : entry)).join("##"),
  );
  if (!parsed.success) throw metadataError(`request_uris: ${parsed.error.issues[0]?.message}.`);
  return [...new Set(parsed.data)];
}

function withoutFragment(entry: string): string {
  const url = new URL(entry);
  url.hash = "";
  return url.href;
}

/**
 * `request_object_signing_alg`: an asymmetric alg, which needs the client's keys, or "none".
 * Keycloak's "any" is not a registration value.
 */
function checkRequestObjectAlg(metadata: ClientMetadata): void {
  const alg = metadata.requestObjectAlg;
  if (alg === undefined) return;
  checkAllowed([alg], [...ASYMMETRIC_ALGS, "none"], "request_object_signing_alg");
  if (alg !== "none" && !metadata.jwks && !metadata.jwksUri) {
    throw metadataError("request_object_signing_alg needs the client's keys in jwks or jwks_uri.");
  }
}

/** "id_token code" and "code id_token" are the same response type. */
function sortWords(value: string): string {
  return value.split(" ").filter(Boolean).sort().join(" ");
}

/** Validates registration metadata field by field, with RFC 7591 §3.2.2's error codes. */
export function parseClientMetadata(body: unknown): ClientMetadata {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw metadataError("The body must be a JSON object of client metadata.");
  }
  const parsed = metadataShape.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw metadataError(`${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}.`);
  }
  const p = parsed.data;

  const applicationType = p.application_type ?? "web";
  if (applicationType !== "web" && applicationType !== "native") {
    throw metadataError('application_type must be "web" or "native".');
  }
  const grantTypes = [...new Set(p.grant_types ?? ["authorization_code"])];
  const usesCode = grantTypes.includes("authorization_code");
  const metadata: ClientMetadata = {
    redirectUris: [...new Set(p.redirect_uris ?? [])],
    postLogoutRedirectUris: [...new Set(p.post_logout_redirect_uris ?? [])],
    tokenEndpointAuthMethod: p.token_endpoint_auth_method ?? "client_secret_basic",
    grantTypes,
    // RFC 7591 §2's default "code" only where the code grant is asked for, so a client that
    // registers client_credentials alone need not also say it wants no response types.
    responseTypes: [...new Set((p.response_types ?? (usesCode ? ["code"] : [])).map(sortWords))],
    clientName: p.client_name,
    applicationType,
    idTokenAlg: p.id_token_signed_response_alg as SigningAlg | undefined,
    requestUris: checkRequestUris(p.request_uris ?? []),
    requestObjectAlg: p.request_object_signing_alg,
    clientId: p.client_id,
    clientSecret: p.client_secret,
  };

  checkRedirectUris(metadata.redirectUris, "redirect_uris");
  checkRedirectUris(metadata.postLogoutRedirectUris, "post_logout_redirect_uris");
  checkAllowed(
    [metadata.tokenEndpointAuthMethod],
    registrationAuthMethods,
    "token_endpoint_auth_method",
  );
  checkAllowed(metadata.grantTypes, registrationGrantTypes, "grant_types");
  checkAllowed(metadata.responseTypes, registrationResponseTypes, "response_types");
  if (metadata.idTokenAlg !== undefined) {
    checkAllowed([metadata.idTokenAlg], SIGNING_ALGS, "id_token_signed_response_alg");
  }
  checkConsistency(metadata);
  checkKeys(metadata, p.jwks, p.jwks_uri);
  checkRequestObjectAlg(metadata);
  return metadata;
}
