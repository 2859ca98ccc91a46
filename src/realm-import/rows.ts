import { sha256 } from "../crypto/digest";
import { randomId } from "../crypto/random";
import { sealClientSecret } from "../db/client-secret";
import type { clients, realms } from "../db/schema";
import { type NewUser, serviceAccountUser } from "../db/users";
import { isSupportedScope } from "../oidc/scopes";
import { registeredKeys } from "./client-authentication";
import { eventSettingsRow } from "./event-settings";
import type {
  ClientRepresentation,
  RealmRepresentation,
  UserRepresentation,
} from "./representation";
import { originsOf } from "./uris";
import { webauthnPolicyRow } from "./webauthn-policy";

type RealmRow = typeof realms.$inferInsert;
type ClientRow = typeof clients.$inferInsert;

/** The realm row for a representation; settings it leaves out keep the schema's defaults. */
export function realmRow(
  rep: RealmRepresentation,
  now: number,
  realmScopes: ReadonlySet<string> = new Set(),
): RealmRow {
  return {
    id: randomId(),
    name: rep.realm,
    displayName: rep.displayName ?? null,
    enabled: rep.enabled ?? undefined,
    registrationAllowed: rep.registrationAllowed ?? undefined,
    accessTokenLifespan: rep.accessTokenLifespan ?? undefined,
    ssoSessionIdleTimeout: rep.ssoSessionIdleTimeout ?? undefined,
    ssoSessionMaxLifespan: rep.ssoSessionMaxLifespan ?? undefined,
    offlineSessionIdleTimeout: rep.offlineSessionIdleTimeout ?? undefined,
    bruteForceProtected: rep.bruteForceProtected ?? undefined,
    failureFactor: rep.failureFactor ?? undefined,
    waitIncrementSeconds: rep.waitIncrementSeconds ?? undefined,
    maxFailureWaitSeconds: rep.maxFailureWaitSeconds ?? undefined,
    maxDeltaTimeSeconds: rep.maxDeltaTimeSeconds ?? undefined,
    defaultLocale: rep.defaultLocale ?? undefined,
    clientRegistrationAnonymous: rep.clientRegistrationAnonymous ?? undefined,
    defaultSignatureAlgorithm: rep.defaultSignatureAlgorithm || null,
    dpopNonceRequired: rep.dpopNonceRequired ?? undefined,
    editUsernameAllowed: rep.editUsernameAllowed ?? undefined,
    // Absent lists keep Keycloak's defaults (the schema's); unknown scope names are ignored.
    defaultDefaultClientScopes: knownScopes(rep.defaultDefaultClientScopes, realmScopes),
    defaultOptionalClientScopes: knownScopes(rep.defaultOptionalClientScopes, realmScopes),
    ...eventSettingsRow(rep),
    webauthnPasswordlessPolicy: webauthnPolicyRow(rep),
    createdAt: now,
  };
}

/**
 * The client row for a representation: the secret only as its SHA-256 (and sealed, for
 * client-secret-jwt, with `keyEncryptionSecret`), "+" entries expanded.
 */
export async function clientRow(
  rep: ClientRepresentation,
  realmId: string,
  now: number,
  keyEncryptionSecret?: string,
  realmScopes: ReadonlySet<string> = new Set(),
  id: string = randomId(),
): Promise<ClientRow> {
  const publicClient = rep.publicClient ?? false;
  const authenticator = publicClient ? "client-secret" : (rep.clientAuthenticatorType ?? undefined);
  const sealSecret = authenticator === "client-secret-jwt" && rep.secret;
  const redirectUris = rep.redirectUris ?? [];
  const postLogout = rep.attributes?.["post.logout.redirect.uris"] ?? [];
  const webOrigins = rep.webOrigins ?? [];
  const attributes = rep.attributes ?? {};

  return {
    id,
    realmId,
    clientId: rep.clientId,
    name: rep.name ?? null,
    description: rep.description ?? null,
    enabled: rep.enabled ?? true,
    publicClient,
    // Keycloak ignores the secret of a public client; so does Latchkey.
    secretHash: publicClient ? null : await secretHashOf(rep),
    redirectUris,
    postLogoutRedirectUris: expandPlus(postLogout, redirectUris),
    webOrigins: expandPlus(webOrigins, originsOf(redirectUris)),
    pkceRequired: rep.attributes?.["pkce.code.challenge.method"] === "S256",
    serviceAccountsEnabled: rep.serviceAccountsEnabled ?? false,
    directAccessGrantsEnabled: rep.directAccessGrantsEnabled ?? false,
    implicitFlowEnabled: rep.implicitFlowEnabled ?? false,
    accessTokenAlg: rep.attributes?.["access.token.signed.response.alg"] || null,
    idTokenAlg: rep.attributes?.["id.token.signed.response.alg"] || null,
    deviceGrantEnabled: rep.attributes?.["oauth2.device.authorization.grant.enabled"] === "true",
    tokenExchangeEnabled: rep.attributes?.["standard.token.exchange.enabled"] === "true",
    dpopBoundAccessTokens: attributes["dpop.bound.access.tokens"] === "true",
    consentRequired: rep.consentRequired ?? false,
    fullScopeAllowed: rep.fullScopeAllowed ?? true,
    // Absent lists keep Keycloak's defaults (the schema's); unknown scope names are ignored.
    defaultClientScopes: knownScopes(rep.defaultClientScopes, realmScopes),
    optionalClientScopes: knownScopes(rep.optionalClientScopes, realmScopes),
    accessTokenLifespan: rep.attributes?.["access.token.lifespan"] ?? null,
    clientSessionIdleTimeout: rep.attributes?.["client.session.idle.timeout"] ?? null,
    clientSessionMaxLifespan: rep.attributes?.["client.session.max.lifespan"] ?? null,
    clientAuthenticatorType: authenticator,
    secretSealed: sealSecret ? await sealClientSecret(keyEncryptionSecret, id, sealSecret) : null,
    ...registeredKeys(rep.attributes),
    requestObjectSignatureAlg: rep.attributes?.["request.object.signature.alg"] ?? null,
    requestUris: rep.attributes?.["request.uris"] ?? [],
    requirePushedAuthorizationRequests:
      rep.attributes?.["require.pushed.authorization.requests"] === "true",
    // An empty attribute means "none", as in Keycloak's admin console.
    backchannelLogoutUrl: attributes["backchannel.logout.url"] || null,
    backchannelLogoutSessionRequired: attributes["backchannel.logout.session.required"] ?? true,
    // Keycloak's frontchannelLogout switch turns the front-channel URL off when false.
    frontchannelLogoutUrl:
      rep.frontchannelLogout === false ? null : attributes["frontchannel.logout.url"] || null,
    frontchannelLogoutSessionRequired: attributes["frontchannel.logout.session.required"] ?? true,
    resourceIndicators: attributes["resource.indicators"] ?? [],
    createdAt: now,
  };
}

/** The service account users of the clients that have one, as Keycloak creates at import. */
export function serviceAccountRows(clientRows: readonly ClientRow[], realmId: string, now: number) {
  return clientRows
    .filter((row) => row.serviceAccountsEnabled)
    .map((row) => serviceAccountUser(realmId, row, now));
}

/** The input for createUser. */
export function newUser(rep: UserRepresentation): NewUser {
  const password = rep.credentials?.find((credential) => credential.type === "password");
  return {
    username: rep.username ?? undefined,
    email: rep.email ?? undefined,
    emailVerified: rep.emailVerified ?? false,
    firstName: rep.firstName ?? undefined,
    lastName: rep.lastName ?? undefined,
    attributes: rep.attributes ?? undefined,
    enabled: rep.enabled ?? true,
    password: password?.value ?? undefined,
    passwordHash: password?.hash ?? undefined,
  };
}

/** The secret's SHA-256, or the one an export with secrets carried. */
async function secretHashOf(rep: ClientRepresentation): Promise<string | null> {
  if (rep.secret) return sha256(rep.secret);
  return rep.attributes?.["latchkey.secret.sha256"] ?? null;
}

function knownScopes(
  names: readonly string[] | null | undefined,
  realmScopes: ReadonlySet<string>,
): string[] | undefined {
  return names?.filter((name) => isSupportedScope(name) || realmScopes.has(name));
}

function expandPlus(entries: readonly string[], plus: readonly string[]): string[] {
  const expanded = entries.flatMap((entry) => (entry === "+" ? plus : [entry]));
  return [...new Set(expanded)];
}
