import { clientSecretValue } from "../db/client-secret";
import type { RealmConfiguration } from "./load";

/** Keycloak's mask for a secret left out of an export. */
export const MASKED_SECRET = "**********";

/**
 * Latchkey's own client attribute: the SHA-256 of a client secret, which is all Latchkey keeps
 * of a `client-secret` client's secret; an export with secrets carries it so an import keeps
 * the secret working.
 */
export const SECRET_HASH_ATTRIBUTE = "latchkey.secret.sha256";

type ClientRow = RealmConfiguration["clients"][number];
type MapperRow = RealmConfiguration["protocolMappers"][number];

/** What an export needs to reveal secrets; without it they are masked. */
export interface SecretAccess {
  keyEncryptionSecret: string;
}

const flag = (value: boolean) => String(value);
const joined = (values: readonly string[]) => values.join("##");
const seconds = (value: number | null) => (value === null ? undefined : String(value));

/** Keycloak's ClientRepresentation for a client row, in the shape our import reads. */
export async function clientRepresentation(
  client: ClientRow,
  mappers: readonly MapperRow[],
  secrets: SecretAccess | undefined,
) {
  const attributes: Record<string, string | undefined> = {
    "post.logout.redirect.uris": joined(client.postLogoutRedirectUris),
    "pkce.code.challenge.method": client.pkceRequired ? "S256" : undefined,
    "access.token.signed.response.alg": client.accessTokenAlg ?? undefined,
    "id.token.signed.response.alg": client.idTokenAlg ?? undefined,
    "oauth2.device.authorization.grant.enabled": flag(client.deviceGrantEnabled),
    "standard.token.exchange.enabled": flag(client.tokenExchangeEnabled),
    "dpop.bound.access.tokens": flag(client.dpopBoundAccessTokens),
    "access.token.lifespan": seconds(client.accessTokenLifespan),
    "client.session.idle.timeout": seconds(client.clientSessionIdleTimeout),
    "client.session.max.lifespan": seconds(client.clientSessionMaxLifespan),
    "use.jwks.string": client.jwks ? "true" : undefined,
    "jwks.string": client.jwks ? JSON.stringify(client.jwks) : undefined,
    "use.jwks.url": client.jwksUri ? "true" : undefined,
    "jwks.url": client.jwksUri ?? undefined,
    "request.object.signature.alg": client.requestObjectSignatureAlg ?? undefined,
    "request.uris": client.requestUris.length > 0 ? joined(client.requestUris) : undefined,
    "require.pushed.authorization.requests": flag(client.requirePushedAuthorizationRequests),
    "backchannel.logout.url": client.backchannelLogoutUrl ?? "",
    "backchannel.logout.session.required": flag(client.backchannelLogoutSessionRequired),
    "frontchannel.logout.url": client.frontchannelLogoutUrl ?? "",
    "frontchannel.logout.session.required": flag(client.frontchannelLogoutSessionRequired),
    "resource.indicators":
      client.resourceIndicators.length > 0 ? joined(client.resourceIndicators) : undefined,
  };
  const secret = await exportedSecret(client, secrets);
  if (secret.hash) attributes[SECRET_HASH_ATTRIBUTE] = secret.hash;

  return {
    id: client.id,
    clientId: client.clientId,
    name: client.name ?? undefined,
    description: client.description ?? undefined,
    enabled: client.enabled,
    publicClient: client.publicClient,
    clientAuthenticatorType: client.clientAuthenticatorType,
    secret: secret.value,
    redirectUris: client.redirectUris,
    webOrigins: client.webOrigins,
    serviceAccountsEnabled: client.serviceAccountsEnabled,
    directAccessGrantsEnabled: client.directAccessGrantsEnabled,
    implicitFlowEnabled: client.implicitFlowEnabled,
    consentRequired: client.consentRequired,
    fullScopeAllowed: client.fullScopeAllowed,
    frontchannelLogout: client.frontchannelLogoutUrl !== null,
    protocol: "openid-connect",
    attributes: Object.fromEntries(
      Object.entries(attributes).filter(([, value]) => value !== undefined),
    ),
    defaultClientScopes: client.defaultClientScopes,
    optionalClientScopes: client.optionalClientScopes,
    protocolMappers: mappers.map(mapperRepresentation),
  };
}

/**
 * A confidential client's secret: masked unless asked for; then the secret unsealed where
 * Latchkey keeps it sealed, or else the hash, all it keeps of the others.
 */
async function exportedSecret(
  client: ClientRow,
  secrets: SecretAccess | undefined,
): Promise<{ value?: string; hash?: string }> {
  if (client.publicClient || client.clientAuthenticatorType === "client-jwt") return {};
  if (!secrets) return { value: MASKED_SECRET };
  const value = await clientSecretValue(secrets.keyEncryptionSecret, client);
  if (value !== undefined) return { value };
  return client.secretHash === null ? {} : { hash: client.secretHash };
}

/** Keycloak's ProtocolMapperRepresentation. */
export function mapperRepresentation(mapper: MapperRow) {
  return {
    id: mapper.id,
    name: mapper.name,
    protocol: "openid-connect",
    protocolMapper: mapper.type,
    config: mapper.config,
  };
}

/** Keycloak's ClientScopeRepresentation with its mappers. */
export function clientScopeRepresentation(
  scope: RealmConfiguration["clientScopes"][number],
  mappers: readonly MapperRow[],
) {
  const attributes: Record<string, string> = {
    "include.in.token.scope": flag(scope.includeInTokenScope),
  };
  if (scope.consentScreenText) attributes["consent.screen.text"] = scope.consentScreenText;
  return {
    id: scope.id,
    name: scope.name,
    description: scope.description ?? undefined,
    protocol: "openid-connect",
    attributes,
    protocolMappers: mappers.map(mapperRepresentation),
  };
}
