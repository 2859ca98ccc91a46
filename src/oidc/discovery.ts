import type { Context } from "hono";
import type { AppEnv } from "../config";
import { supportedScopes } from "./scopes";

/** OpenID Provider Metadata (OpenID Connect Discovery §3, RFC 8414), at Keycloak's paths. */
export function providerMetadata(issuer: string) {
  const endpoint = `${issuer}/protocol/openid-connect`;
  return {
    issuer,
    authorization_endpoint: `${endpoint}/auth`,
    token_endpoint: `${endpoint}/token`,
    userinfo_endpoint: `${endpoint}/userinfo`,
    jwks_uri: `${endpoint}/certs`,
    end_session_endpoint: `${endpoint}/logout`,
    revocation_endpoint: `${endpoint}/revoke`,
    introspection_endpoint: `${endpoint}/token/introspect`,
    scopes_supported: [...supportedScopes],
    response_types_supported: ["code"],
    response_modes_supported: ["query", "fragment", "form_post"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    userinfo_signing_alg_values_supported: ["none"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    // Public clients may revoke their own tokens (RFC 7009 §2.1), never introspect.
    revocation_endpoint_auth_methods_supported: [
      "client_secret_basic",
      "client_secret_post",
      "none",
    ],
    introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    code_challenge_methods_supported: ["S256"],
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
      "amr",
      "email",
      "email_verified",
      "preferred_username",
      "name",
      "given_name",
      "family_name",
    ],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
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
export function discoveryEndpoint(c: Context<AppEnv>): Response {
  c.header("Cache-Control", "public, max-age=300");
  c.header("Access-Control-Allow-Origin", "*");
  return c.json(providerMetadata(c.var.issuer));
}
