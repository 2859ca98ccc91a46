import { z } from "zod";
import type { Client } from "../db/clients";
import { clientFields, clientRules } from "../realm-import/representation";

/**
 * Keycloak's ClientRepresentation as the admin API reads and writes it. The fields and
 * attributes are the realm import's (one mapping, in `realm-import/rows.ts`); this adds the
 * way back, from a stored client to its representation.
 */

/** Keycloak keeps multi-valued attributes as one string, values separated by "##". */
const joined = (values: readonly string[]) => values.join("##");
const flag = (value: boolean) => (value ? "true" : "false");
const seconds = (value: number | null) => (value === null ? "" : String(value));

/** The `attributes` Latchkey honours, as Keycloak writes them (strings). */
function attributes(client: Client): Record<string, string> {
  return {
    "post.logout.redirect.uris": joined(client.postLogoutRedirectUris),
    "pkce.code.challenge.method": client.pkceRequired ? "S256" : "",
    "access.token.signed.response.alg": client.accessTokenAlg ?? "",
    "id.token.signed.response.alg": client.idTokenAlg ?? "",
    "oauth2.device.authorization.grant.enabled": flag(client.deviceGrantEnabled),
    "standard.token.exchange.enabled": flag(client.tokenExchangeEnabled),
    "dpop.bound.access.tokens": flag(client.dpopBoundAccessTokens),
    "access.token.lifespan": seconds(client.accessTokenLifespan),
    "client.session.idle.timeout": seconds(client.clientSessionIdleTimeout),
    "client.session.max.lifespan": seconds(client.clientSessionMaxLifespan),
    "use.jwks.string": flag(client.jwks !== null),
    ...(client.jwks ? { "jwks.string": JSON.stringify(client.jwks) } : {}),
    "use.jwks.url": flag(client.jwksUri !== null),
    ...(client.jwksUri ? { "jwks.url": client.jwksUri } : {}),
    ...(client.requestObjectSignatureAlg
      ? { "request.object.signature.alg": client.requestObjectSignatureAlg }
      : {}),
    "request.uris": joined(client.requestUris),
    "require.pushed.authorization.requests": flag(client.requirePushedAuthorizationRequests),
    "backchannel.logout.url": client.backchannelLogoutUrl ?? "",
    "backchannel.logout.session.required": flag(client.backchannelLogoutSessionRequired),
    "frontchannel.logout.url": client.frontchannelLogoutUrl ?? "",
    "frontchannel.logout.session.required": flag(client.frontchannelLogoutSessionRequired),
    "resource.indicators": joined(client.resourceIndicators),
  };
}

/** The representation of a stored client; the secret is never part of it. */
export function clientRepresentation(client: Client) {
  return {
    id: client.id,
    clientId: client.clientId,
    name: client.name ?? undefined,
    description: client.description ?? undefined,
    enabled: client.enabled,
    protocol: "openid-connect",
    publicClient: client.publicClient,
    bearerOnly: false,
    clientAuthenticatorType: client.clientAuthenticatorType,
    redirectUris: client.redirectUris,
    webOrigins: client.webOrigins,
    // Every client may use the authorization code flow; Latchkey has no switch for it.
    standardFlowEnabled: true,
    implicitFlowEnabled: client.implicitFlowEnabled,
    directAccessGrantsEnabled: client.directAccessGrantsEnabled,
    serviceAccountsEnabled: client.serviceAccountsEnabled,
    consentRequired: client.consentRequired,
    fullScopeAllowed: client.fullScopeAllowed,
    frontchannelLogout: client.frontchannelLogoutUrl !== null,
    defaultClientScopes: client.defaultClientScopes,
    optionalClientScopes: client.optionalClientScopes,
    attributes: attributes(client),
  };
}

/**
 * What the admin API takes: the import's fields, plus Keycloak's switches Latchkey does not
 * have, which are refused when set to what it cannot do rather than silently ignored.
 */
const adminFields = clientFields.extend({
  protocol: z.literal("openid-connect", "only openid-connect clients are supported").nullish(),
  bearerOnly: z.literal(false, "bearer-only clients are not supported").nullish(),
  standardFlowEnabled: z
    .literal(true, "the authorization code flow cannot be switched off yet")
    .nullish(),
});

/** A new client from the admin API; a confidential one without a secret gets one made up. */
export const newClientRepresentation = adminFields.superRefine(clientRules(false));

export type NewClientRepresentation = z.infer<typeof newClientRepresentation>;
