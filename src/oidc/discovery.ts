import type { Context } from "hono";
import type { AppEnv } from "../config";
import { listRealmClientScopes } from "../db/client-scopes";
import { SIGNING_ALGS } from "../keys/generate";
import { ACR_VALUES_SUPPORTED } from "./authorize/acr";
import { ASYMMETRIC_ALGS, SYMMETRIC_ALGS } from "./client-keys/algorithms";
import { DPOP_SIGNING_ALGS } from "./dpop/algorithms";
import { supportedScopes } from "./scopes";

const confidentialAuthMethods = [
  "client_secret_basic",
  "client_secret_post",
  "private_key_jwt",
  "client_secret_jwt",
];

/** RFC 7523 client assertions: signed with a registered key or HMAC with the secret. */
const assertionAlgs = [...ASYMMETRIC_ALGS, ...SYMMETRIC_ALGS];

/** OpenID Provider Metadata (OpenID Connect Discovery §3, RFC 8414), at Keycloak's paths. */
export function providerMetadata(issuer: string, realmScopes: readonly string[] = []) {
  const endpoint = `${issuer}/protocol/openid-connect`;
  return {
    issuer,
    authorization_endpoint: `${endpoint}/auth`,
    token_endpoint: `${endpoint}/token`,
    userinfo_endpoint: `${endpoint}/userinfo`,
    jwks_uri: `${endpoint}/certs`,
    end_session_endpoint: `${endpoint}/logout`,
    // OpenID Connect Session Management 1.0 §3.3, Keycloak's login-status iframe.
    check_session_iframe: `${endpoint}/login-status-iframe.html`,
    revocation_endpoint: `${endpoint}/revoke`,
    introspection_endpoint: `${endpoint}/token/introspect`,
    registration_endpoint: `${issuer}/clients-registrations/openid-connect`,
    device_authorization_endpoint: `${endpoint}/auth/device`,
    pushed_authorization_request_endpoint: `${endpoint}/ext/par/request`,
    // Keycloak lists the realm's own client scopes too.
    scopes_supported: [...supportedScopes, ...realmScopes],
    response_types_supported: ["code", "id_token", "code id_token"],
    response_modes_supported: ["query", "fragment", "form_post"],
    grant_types_supported: [
      "authorization_code",
      "implicit",
      "refresh_token",
      "client_credentials",
      "password",
      "urn:ietf:params:oauth:grant-type:device_code",
      "urn:ietf:params:oauth:grant-type:token-exchange",
    ],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...SIGNING_ALGS],
    userinfo_signing_alg_values_supported: ["none"],
    token_endpoint_auth_methods_supported: [...confidentialAuthMethods, "none"],
    token_endpoint_auth_signing_alg_values_supported: assertionAlgs,
    // Public clients may revoke their own tokens (RFC 7009 §2.1), never introspect.
    revocation_endpoint_auth_methods_supported: [...confidentialAuthMethods, "none"],
    revocation_endpoint_auth_signing_alg_values_supported: assertionAlgs,
    introspection_endpoint_auth_methods_supported: confidentialAuthMethods,
    introspection_endpoint_auth_signing_alg_values_supported: assertionAlgs,
    code_challenge_methods_supported: ["S256"],
    dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS],
    claims_supported: [
      "iss",
      "sub",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "nonce",
      "sid",
      "azp",
      "at_hash",
      "c_hash",
      "amr",
      "acr",
      "email",
      "email_verified",
      "preferred_username",
      "name",
      "given_name",
      "family_name",
      "address",
      "phone_number",
      "phone_number_verified",
    ],
    // OpenID Connect Core §5.5; acr as Keycloak's: "1" signed in, "0" SSO session reused.
    claims_parameter_supported: true,
    acr_values_supported: [...ACR_VALUES_SUPPORTED],
    request_parameter_supported: true,
    request_object_signing_alg_values_supported: [...ASYMMETRIC_ALGS, "none"],
    // OpenID Connect Core §6.2: fetched only from URIs the client registered.
    request_uri_parameter_supported: true,
    require_request_uri_registration: true,
    // PAR is offered to every client; some clients require it (their own metadata says so).
    require_pushed_authorization_requests: false,
    prompt_values_supported: ["none", "login", "consent", "select_account", "create"],
    authorization_response_iss_parameter_supported: true,
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    ui_locales_supported: ["en", "de"],
  };
}

/** Serves the metadata; it is public and the same for everyone, so it may be cached. */
export async function discoveryEndpoint(c: Context<AppEnv>): Promise<Response> {
  c.header("Cache-Control", "public, max-age=300");
  c.header("Access-Control-Allow-Origin", "*");
  const realmScopes = await listRealmClientScopes(c.var.db, c.var.realm.id);
  return c.json(
    providerMetadata(
      c.var.issuer,
      realmScopes.map((scope) => scope.name),
    ),
  );
}
