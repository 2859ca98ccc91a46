import type { Client } from "../../db/clients";

/** Secrets issued with a registration or an update; shown once, stored only as hashes. */
export interface IssuedSecrets {
  clientSecret?: string;
  registrationAccessToken?: string;
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
    ...(client.publicClient ? {} : { client_secret_expires_at: 0 }),
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
    token_endpoint_auth_method: client.publicClient ? "none" : "client_secret_basic",
    grant_types: grantTypes,
    response_types: responseTypes,
    ...(client.idTokenAlg ? { id_token_signed_response_alg: client.idTokenAlg } : {}),
  };
}
