import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import type { ClaimsRequest } from "../oidc/claims-request";
import type { PasskeyPolicySettings } from "../webauthn/policy";
import { realmEventSettings } from "./schema-event-settings";

/** Times are Unix seconds unless a column name says otherwise. */
const createdAt = () => integer("created_at").notNull();
const flag = (name: string) => integer(name, { mode: "boolean" });

export const realms = sqliteTable("realms", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  displayName: text("display_name"),
  enabled: flag("enabled").notNull().default(true),
  registrationAllowed: flag("registration_allowed").notNull().default(true),
  accessTokenLifespan: integer("access_token_lifespan").notNull().default(300),
  ssoSessionIdleTimeout: integer("sso_session_idle_timeout").notNull().default(1800),
  ssoSessionMaxLifespan: integer("sso_session_max_lifespan").notNull().default(36000),
  /** How long an offline refresh token lasts unused (Keycloak's default: 30 days). */
  offlineSessionIdleTimeout: integer("offline_session_idle_timeout").notNull().default(2592000),
  bruteForceProtected: flag("brute_force_protected").notNull().default(true),
  failureFactor: integer("failure_factor").notNull().default(30),
  waitIncrementSeconds: integer("wait_increment_seconds").notNull().default(60),
  maxFailureWaitSeconds: integer("max_failure_wait_seconds").notNull().default(900),
  maxDeltaTimeSeconds: integer("max_delta_time_seconds").notNull().default(43200),
  defaultLocale: text("default_locale").notNull().default("en"),
  /** Dynamic client registration without an initial access token (RFC 7591 §3 "open"). */
  clientRegistrationAnonymous: flag("client_registration_anonymous").notNull().default(false),
  /** Keycloak's defaultSignatureAlgorithm; null keeps ES256 access and RS256 ID tokens. */
  defaultSignatureAlgorithm: text("default_signature_algorithm"),
  /** DPoP proofs must carry a server nonce (RFC 9449 §8); a Latchkey setting. */
  dpopNonceRequired: flag("dpop_nonce_required").notNull().default(false),
  /** Keycloak's editUsernameAllowed: whether an admin may change a username. */
  editUsernameAllowed: flag("edit_username_allowed").notNull().default(false),
  /** Keycloak's declared user profile (UPConfig); null is Latchkey's default profile. */
  userProfile: text("user_profile", { mode: "json" }).$type<Record<string, unknown>>(),
  /** Keycloak's defaultDefaultClientScopes: the default scopes a new client starts with. */
  defaultDefaultClientScopes: text("default_default_client_scopes", { mode: "json" })
    .$type<string[]>()
    .notNull()
    .default(["web-origins", "acr", "profile", "roles", "basic", "email"]),
  /** Keycloak's defaultOptionalClientScopes: the optional scopes a new client starts with. */
  defaultOptionalClientScopes: text("default_optional_client_scopes", { mode: "json" })
    .$type<string[]>()
    .notNull()
    .default(["address", "phone", "offline_access"]),
  /** Keycloak's webAuthnPolicyPasswordless* settings; null keeps Keycloak's defaults. */
  webauthnPasswordlessPolicy: text("webauthn_passwordless_policy", {
    mode: "json",
  }).$type<PasskeyPolicySettings>(),
  ...realmEventSettings,
  createdAt: createdAt(),
});

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    username: text("username").notNull(),
    /** The username normalized for lookups (NFKC, lower case). */
    usernameKey: text("username_key").notNull(),
    /** The address as the person typed it. */
    email: text("email"),
    /** The address normalized for lookups (NFKC, lower case). */
    emailKey: text("email_key"),
    emailVerified: flag("email_verified").notNull().default(false),
    firstName: text("first_name"),
    lastName: text("last_name"),
    /** Keycloak's user attributes (e.g. `phoneNumber`, `street`), each a list of values. */
    attributes: text("attributes", { mode: "json" }).$type<Record<string, string[]>>(),
    enabled: flag("enabled").notNull().default(true),
    /**
     * The client whose service account this user is (Keycloak's service account link); such a
     * user has no password and never signs in interactively.
     */
    serviceAccountClientId: text("service_account_client_id").references(() => clients.id, {
      onDelete: "cascade",
    }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_realm_username").on(t.realmId, t.usernameKey),
    uniqueIndex("users_realm_email").on(t.realmId, t.emailKey),
    uniqueIndex("users_service_account_client").on(t.serviceAccountClientId),
  ],
);

export const credentials = sqliteTable(
  "credentials",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    /** A self-describing hash (PHC string format) for passwords. */
    secretData: text("secret_data").notNull(),
    /** Keycloak's userLabel: a name the person or an admin gave the credential. */
    userLabel: text("user_label"),
    createdAt: createdAt(),
  },
  (t) => [index("credentials_user_type").on(t.userId, t.type)],
);

export const clients = sqliteTable(
  "clients",
  {
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    name: text("name"),
    /** Keycloak's description, shown to administrators only. */
    description: text("description"),
    enabled: flag("enabled").notNull().default(true),
    publicClient: flag("public_client").notNull().default(false),
    /** SHA-256 of the client secret, base64url; null for public clients. */
    secretHash: text("secret_hash"),
    /** JSON array of exact redirect URIs. */
    redirectUris: text("redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
    /** JSON array of exact post-logout redirect URIs. */
    postLogoutRedirectUris: text("post_logout_redirect_uris", { mode: "json" })
      .$type<string[]>()
      .notNull(),
    webOrigins: text("web_origins", { mode: "json" }).$type<string[]>().notNull(),
    /** PKCE is always required for public clients; this forces it for confidential ones. */
    pkceRequired: flag("pkce_required").notNull().default(false),
    /** Keycloak's serviceAccountsEnabled: the client may use the client_credentials grant. */
    serviceAccountsEnabled: flag("service_accounts_enabled").notNull().default(false),
    /** Keycloak's directAccessGrantsEnabled: the password grant (off unless enabled). */
    directAccessGrantsEnabled: flag("direct_access_grants_enabled").notNull().default(false),
    /** SHA-256 of the RFC 7592 registration access token; null unless registered dynamically. */
    registrationTokenHash: text("registration_token_hash"),
    /** Keycloak's fullScopeAllowed: tokens may carry every role the user has. */
    fullScopeAllowed: flag("full_scope_allowed").notNull().default(true),
    /** Keycloak's implicitFlowEnabled: ID tokens from the authorization endpoint (hybrid). */
    implicitFlowEnabled: flag("implicit_flow_enabled").notNull().default(false),
    /** Keycloak's `access.token.signed.response.alg`; null follows the realm. */
    accessTokenAlg: text("access_token_alg"),
    /** OpenID Connect Registration's `id_token_signed_response_alg`; null follows the realm. */
    idTokenAlg: text("id_token_alg"),
    /** Keycloak's `oauth2.device.authorization.grant.enabled`: the device grant (RFC 8628). */
    deviceGrantEnabled: flag("device_grant_enabled").notNull().default(false),
    /** Keycloak's `standard.token.exchange.enabled`: token exchange (RFC 8693). */
    tokenExchangeEnabled: flag("token_exchange_enabled").notNull().default(false),
    /** Keycloak's consentRequired: a third-party app the person must approve. */
    consentRequired: flag("consent_required").notNull().default(false),
    /** Client scopes granted whether asked for or not (Keycloak's defaultClientScopes). */
    defaultClientScopes: text("default_client_scopes", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(["web-origins", "acr", "profile", "roles", "basic", "email"]),
    /** Client scopes granted only when asked for (Keycloak's optionalClientScopes). */
    optionalClientScopes: text("optional_client_scopes", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(["address", "phone", "offline_access"]),
    /** Per-client overrides of the realm's lifetimes, in seconds; null inherits the realm's. */
    accessTokenLifespan: integer("access_token_lifespan"),
    clientSessionIdleTimeout: integer("client_session_idle_timeout"),
    clientSessionMaxLifespan: integer("client_session_max_lifespan"),
    /**
     * Keycloak's clientAuthenticatorType: `client-secret` (Basic or post), `client-jwt`
     * (private_key_jwt) or `client-secret-jwt`; a client authenticates only the way it says.
     */
    clientAuthenticatorType: text("client_authenticator_type", {
      enum: ["client-secret", "client-jwt", "client-secret-jwt"],
    })
      .notNull()
      .default("client-secret"),
    /** The secret sealed with AES-256-GCM, only for client-secret-jwt, which needs it for HMAC. */
    secretSealed: text("secret_sealed"),
    /** The client's registered public keys (Keycloak's `jwks.string`), a JSON Web Key Set. */
    jwks: text("jwks", { mode: "json" }).$type<{ keys: JsonWebKey[] }>(),
    /** Where the client publishes its public keys (Keycloak's `jwks.url`). */
    jwksUri: text("jwks_uri"),
    /** Keycloak's `request.uris`: where request objects may be fetched from (no fragment). */
    requestUris: text("request_uris", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** Keycloak's `request.object.signature.alg`: `none` or `any` allow unsigned objects. */
    requestObjectSignatureAlg: text("request_object_signature_alg"),
    /** Keycloak's `require.pushed.authorization.requests` (RFC 9126 §5). */
    requirePushedAuthorizationRequests: flag("require_pushed_authorization_requests")
      .notNull()
      .default(false),
    /** OpenID Connect Back-Channel Logout 1.0: where logout tokens are POSTed. */
    backchannelLogoutUrl: text("backchannel_logout_url"),
    /** Whether logout tokens carry `sid` (Back-Channel Logout §2.4); Keycloak's default. */
    backchannelLogoutSessionRequired: flag("backchannel_logout_session_required")
      .notNull()
      .default(true),
    /** OpenID Connect Front-Channel Logout 1.0: the page framed after logout. */
    frontchannelLogoutUrl: text("frontchannel_logout_url"),
    /** Whether the front-channel URL gets `iss` and `sid` (Front-Channel Logout §2). */
    frontchannelLogoutSessionRequired: flag("frontchannel_logout_session_required")
      .notNull()
      .default(true),
    /** Keycloak's `dpop.bound.access.tokens`: every token request needs a DPoP proof. */
    dpopBoundAccessTokens: flag("dpop_bound_access_tokens").notNull().default(false),
    /** Latchkey's `resource.indicators`: the RFC 8707 resources the client may ask for. */
    resourceIndicators: text("resource_indicators", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default([]),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("clients_realm_client_id").on(t.realmId, t.clientId)],
);

/** Initial access tokens for dynamic client registration (RFC 7591 §3), each good N times. */
export const initialAccessTokens = sqliteTable("initial_access_tokens", {
  /** SHA-256 of the token, base64url. */
  tokenHash: text("token_hash").primaryKey(),
  realmId: text("realm_id")
    .notNull()
    .references(() => realms.id, { onDelete: "cascade" }),
  remainingCount: integer("remaining_count").notNull(),
  expiresAt: integer("expires_at").notNull(),
  createdAt: createdAt(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    /** The public session id, the `sid` claim. */
    id: text("id").primaryKey(),
    realmId: text("realm_id")
      .notNull()
      .references(() => realms.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the session cookie's secret, base64url. */
    secretHash: text("secret_hash").notNull().unique(),
    authTime: integer("auth_time").notNull(),
    /** Authentication methods references, JSON array. */
    amr: text("amr", { mode: "json" }).$type<string[]>().notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const authorizationCodes = sqliteTable(
  "authorization_codes",
  {
    /** SHA-256 of the code, base64url. */
    codeHash: text("code_hash").primaryKey(),
    realmId: text("realm_id").notNull(),
    clientId: text("client_id").notNull(),
    userId: text("user_id").notNull(),
    sessionId: text("session_id").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    codeChallenge: text("code_challenge"),
    /** RFC 9449 §10: the thumbprint of the key the code must be redeemed with. */
    dpopJkt: text("dpop_jkt"),
    nonce: text("nonce"),
    scope: text("scope").notNull(),
    /** RFC 8707 resources asked for at the authorization endpoint, space-separated. */
    resource: text("resource"),
    authTime: integer("auth_time").notNull(),
    /** The `claims` parameter asked with the request (OpenID Connect Core §5.5), if any. */
    claims: text("claims", { mode: "json" }).$type<ClaimsRequest>(),
    /** Keycloak's acr of the authentication: "1" signed in for this request, "0" SSO reuse. */
    acr: text("acr"),
    /** The request's `acr_values`, recorded as asked. */
    acrValues: text("acr_values"),
    /** The refresh token family this code starts, revoked if the code is replayed. */
    familyId: text("family_id").notNull(),
    expiresAt: integer("expires_at").notNull(),
    consumedAt: integer("consumed_at"),
  },
  (t) => [index("authorization_codes_expires").on(t.expiresAt)],
);

/** Device authorization requests (RFC 8628 §3.2), each single-use. */
export const deviceCodes = sqliteTable(
  "device_codes",
  {
    /** SHA-256 of the device code, base64url. */
    deviceCodeHash: text("device_code_hash").primaryKey(),
    /** HMAC of the normalized user code: it has too little entropy for a bare hash. */
    userCodeHash: text("user_code_hash").notNull().unique(),
    realmId: text("realm_id").notNull(),
    clientId: text("client_id").notNull(),
    scope: text("scope").notNull(),
    status: text("status", { enum: ["pending", "approved", "denied"] }).notNull(),
    /** Who approved it, in which session; set on approval. */
    userId: text("user_id"),
    sessionId: text("session_id"),
    authTime: integer("auth_time"),
    /** The refresh token family the code starts, revoked if the code is replayed. */
    familyId: text("family_id").notNull(),
    /** Seconds the client must wait between polls; grows with each slow_down (§3.5). */
    pollInterval: integer("poll_interval").notNull(),
    lastPolledAt: integer("last_polled_at"),
    /** When the device asked; a person who signed in after it authenticated for it. */
    createdAt: integer("created_at"),
    expiresAt: integer("expires_at").notNull(),
    consumedAt: integer("consumed_at"),
    /** Keycloak's acr of the approval: "1" when the person signed in for it, else "0". */
    acr: text("acr"),
  },
  (t) => [index("device_codes_expires").on(t.expiresAt)],
);

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    /** SHA-256 of the refresh token, base64url. */
    tokenHash: text("token_hash").primaryKey(),
    familyId: text("family_id").notNull(),
    realmId: text("realm_id").notNull(),
    clientId: text("client_id").notNull(),
    userId: text("user_id").notNull(),
    sessionId: text("session_id").notNull(),
    scope: text("scope").notNull(),
    authTime: integer("auth_time").notNull(),
    issuedAt: integer("issued_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    rotatedAt: integer("rotated_at"),
    /** An offline token (scope offline_access): it outlives the session it was issued in. */
    offline: flag("offline").notNull().default(false),
    /** The code's `claims` request and acr, so every refresh releases the same claims. */
    claims: text("claims", { mode: "json" }).$type<ClaimsRequest>(),
    acr: text("acr"),
  },
  (t) => [
    index("refresh_tokens_family").on(t.familyId),
    index("refresh_tokens_session").on(t.sessionId),
    index("refresh_tokens_expires").on(t.expiresAt),
  ],
);

/** The scopes a person approved for a client (Keycloak's user consents), one row per scope. */
export const consents = sqliteTable(
  "consents",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.id, { onDelete: "cascade" }),
    scope: text("scope").notNull(),
    grantedAt: integer("granted_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.clientId, t.scope] })],
);

export { clientScopes, protocolMappers } from "./client-scopes-schema";
export * from "./passkey-schema";
export * from "./protocol-schema";
export * from "./role-schema";
export * from "./schema-events";
