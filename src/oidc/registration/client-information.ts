import type { Client } from "../../db/clients";

/** Secrets issued with a registration or an update; shown once, stored only as hashes. */
export interface IssuedSecrets {
  clientSecret?: string;
  registrationAccessToken?: string;
}

/** The token_endpoint_auth_method a client row stands for. */
function authMethod(client: Client): string {
  if (client.publicClient) return "none";
  if (client.clientAuthenticatorType === "client-jwt") return "private_key_jwt";
  if (client.clientAuthenticatorType === "client-secret-jwt") return "client_secret_jwt";
  return "client_secret_basic";
}

/**
 * The client information response (RFC 7591 §3.2.1, RFC 7592 §3): the metadata as Latchkey
 * holds it. Values it replaced, such as `client_secret_post` answered as the basic method it
 * also accepts, come back as they are enforced.
 */
export function clientInformation(client: Client, issuer: string, secrets: IssuedSecrets) {
  const redirects = client.redirectUris.length > 0;
  const implicit = redirects && client.implicitFlowEnabled;
  const grantTypes = [
    ...(redirects ? ["authorization_code", "refresh_token"] : []),
    ...(implicit ? ["implicit"] : []),
    ...(client.serviceAccountsEnabled ? ["client_credentials"] : []),
  ];
  const responseTypes = [
    ...(redirects ? ["code"] : []),
    ...(implicit ? ["code id_token", "id_token"] : []),
  ];
  return {
    client_id: client.clientId,
    ...(secrets.clientSecret ? { client_secret: secrets.clientSecret } : {}),
    ...(client.secretHash === null ? {} : { client_secret_expires_at: 0 }),
    client_id_issued_at: client.createdAt,
    ...(secrets.registrationAccessToken
      ? { registration_access_token: secrets.registrationAccessToken }
      : {}),
    registration_client_uri: `${issuer}/clients-registrations/openid-connect/${encodeURIComponent(
      client.clientId,
    )}`,
    ...(client.name ? { client_name: client.name } : {}),
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    token_endpoint_auth_method: authMethod(client),
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    grant_types: grantTypes,
    response_types: responseTypes,
    ...(client.idTokenAlg ? { id_token_signed_response_alg: client.idTokenAlg } : {}),
    ...(client.requestUris.length > 0 ? { request_uris: client.requestUris } : {}),
    ...(client.requestObjectSignatureAlg
      ? { request_object_signing_alg: client.requestObjectSignatureAlg }
      : {}),
  };
}
