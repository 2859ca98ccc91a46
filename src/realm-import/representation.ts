import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "../crypto/password";
import { serviceAccountUsername } from "../db/users";
import { isSigningAlg, SIGNING_ALGS } from "../keys/generate";
import {
  clientAuthenticationAttributes,
  clientAuthenticatorType,
  registeredKeys,
} from "./client-authentication";
import { clientScopeList, protocolMapperList } from "./client-scopes";
import { eventSettingsFields } from "./event-settings";
import { clientRoleMapperClients } from "./mapper-references";
import { importedPasswordHash } from "./password-credential";
import { roleFields, userRoleFields } from "./role-representation";
import { logoutUrlProblem, redirectUriProblem, webOriginProblem } from "./uris";
import { webauthnPolicyFields } from "./webauthn-policy";

/**
 * The subset of Keycloak's RealmRepresentation that Latchkey imports. Unknown fields are
 * ignored, as Keycloak's own import ignores what it does not know.
 */

const problem = (check: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const message = check(value);
    if (message) ctx.addIssue({ code: "custom", message });
  });

const seconds = z
  .int()
  .min(1)
  .max(10 * 365 * 24 * 3600);
const text = z.string().max(255);

const realmName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    "must be URL-safe: 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit",
  );

/**
 * Keycloak stores several URIs in one attribute, separated by "##"; "+" means the redirect URIs.
 */
const postLogoutRedirectUris = z.string().transform((value, ctx) => {
  const entries = value
    .split("##")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    const message = entry === "+" ? undefined : redirectUriProblem(entry);
    if (message) ctx.addIssue({ code: "custom", message });
  }
  return entries;
});

/**
 * Latchkey's own `resource.indicators`: the RFC 8707 resources the client may ask for,
 * separated by "##" like Keycloak's multi-valued attributes; each an absolute URI without
 * a fragment (RFC 8707 §2).
 */
const resourceIndicators = z.string().transform((value, ctx) => {
  const entries = value.split("##").filter((entry) => entry.trim() !== "");
  for (const entry of entries) {
    if (!URL.canParse(entry) || entry.includes("#") || /\s/.test(entry)) {
      const message = `"${entry}" is not an absolute URI without fragment`;
      ctx.addIssue({ code: "custom", message });
    }
  }
  return entries;
});

/** A signing alg realms have keys for; "" is Keycloak's "the default". */
export const signingAlg = z.string().superRefine((value, ctx) => {
  if (value !== "" && !isSigningAlg(value)) {
    const message = `"${value}" is not supported; use ${SIGNING_ALGS.join(", ")}`;
    ctx.addIssue({ code: "custom", message });
  }
});

const pkceMethod = z.string().superRefine((value, ctx) => {
  if (value !== "" && value !== "S256") {
    ctx.addIssue({ code: "custom", message: `"${value}" is not supported; only "S256" is` });
  }
});

/** Keycloak keeps client switches as the strings "true" and "false" in `attributes`. */
const flagAttribute = z.enum(["true", "false"]);
/**
 * A lifetime in a client attribute: Keycloak keeps attributes as strings of seconds; empty
 * inherits the realm's.
 */
const lifespanAttribute = z
  .union([z.string().regex(/^\d{0,9}$/, "must be a number of seconds"), seconds])
  .transform((value) => (value === "" || Number(value) === 0 ? null : Number(value)));

/** Client scope names; those Latchkey does not have (e.g. microprofile-jwt) are ignored. */
const clientScopeNames = z.array(z.string().max(255)).max(100);
/** Keycloak keeps boolean client attributes as the strings "true" and "false". */
const booleanAttribute = z.enum(["true", "false"]).transform((value) => value === "true");

/** A logout URL attribute; Keycloak's exports carry "" for none. */
const logoutUrl = problem((value) => (value === "" ? undefined : logoutUrlProblem(value)));

/** The fields of Keycloak's ClientRepresentation that Latchkey honours (import and admin API). */
export const clientFields = z.object({
  clientId: z
    .string()
    .regex(/^[\x21-\x7E]{1,255}$/, "must be 1 to 255 printable ASCII characters, no spaces"),
  name: text.nullish(),
  description: text.nullish(),
  enabled: z.boolean().nullish(),
  publicClient: z.boolean().nullish(),
  secret: z.string().min(1).nullish(),
  serviceAccountsEnabled: z.boolean().nullish(),
  directAccessGrantsEnabled: z.boolean().nullish(),
  implicitFlowEnabled: z.boolean().nullish(),
  consentRequired: z.boolean().nullish(),
  fullScopeAllowed: z.boolean().nullish(),
  defaultClientScopes: clientScopeNames.nullish(),
  optionalClientScopes: clientScopeNames.nullish(),
  clientAuthenticatorType: clientAuthenticatorType.nullish(),
  frontchannelLogout: z.boolean().nullish(),
  redirectUris: z.array(problem(redirectUriProblem)).nullish(),
  webOrigins: z.array(problem(webOriginProblem)).nullish(),
  protocolMappers: protocolMapperList.nullish(),
  attributes: z
    .object({
      "post.logout.redirect.uris": postLogoutRedirectUris.nullish(),
      "pkce.code.challenge.method": pkceMethod.nullish(),
      "access.token.signed.response.alg": signingAlg.nullish(),
      "id.token.signed.response.alg": signingAlg.nullish(),
      "oauth2.device.authorization.grant.enabled": flagAttribute.nullish(),
      "standard.token.exchange.enabled": flagAttribute.nullish(),
      "dpop.bound.access.tokens": flagAttribute.nullish(),
      "access.token.lifespan": lifespanAttribute.nullish(),
      "client.session.idle.timeout": lifespanAttribute.nullish(),
      "client.session.max.lifespan": lifespanAttribute.nullish(),
      ...clientAuthenticationAttributes,
      "backchannel.logout.url": logoutUrl.nullish(),
      "backchannel.logout.session.required": booleanAttribute.nullish(),
      "frontchannel.logout.url": logoutUrl.nullish(),
      "frontchannel.logout.session.required": booleanAttribute.nullish(),
      "resource.indicators": resourceIndicators.nullish(),
      /** Latchkey's own: a client secret's SHA-256, as an export with secrets carries it. */
      "latchkey.secret.sha256": z
        .string()
        .regex(/^[A-Za-z0-9_-]{43}$/, "must be a base64url SHA-256")
        .nullish(),
    })
    .nullish(),
});

/**
 * The rules across a client's fields. A file must carry a confidential client's secret; the
 * admin API makes one up when none is given, as Keycloak does.
 */
export function clientRules(secretRequired: boolean) {
  return (value: z.infer<typeof clientFields>, ctx: z.RefinementCtx) => {
    const authenticator = value.clientAuthenticatorType ?? "client-secret";
    // Keycloak's exports mask secrets; importing the mask would make it everyone's secret.
    if (value.secret === "**********") {
      const message =
        "the secret is masked (**********): export with secrets, or give the client's secret";
      ctx.addIssue({ code: "custom", path: ["secret"], message });
    }
    const secretHash = value.attributes?.["latchkey.secret.sha256"];
    const confidential = !value.publicClient && authenticator !== "client-jwt";
    if (secretRequired && confidential && !value.secret && !secretHash) {
      const message = "a confidential client (publicClient false) needs a secret";
      ctx.addIssue({ code: "custom", path: ["secret"], message });
    }
    // RFC 6749 §4.4: only confidential clients may use the client_credentials grant.
    if (value.publicClient && value.serviceAccountsEnabled) {
      const message = "a public client cannot have a service account; only confidential ones can";
      ctx.addIssue({ code: "custom", path: ["serviceAccountsEnabled"], message });
    }
    // private_key_jwt needs keys to check the assertion with (RFC 7523 §3, item 9).
    const keys = registeredKeys(value.attributes);
    if (!value.publicClient && authenticator === "client-jwt" && !keys.jwks && !keys.jwksUri) {
      const message =
        'client-jwt needs "use.jwks.string" with "jwks.string", or "use.jwks.url" with "jwks.url"';
      ctx.addIssue({ code: "custom", path: ["attributes"], message });
    }
  };
}

const client = clientFields.superRefine(clientRules(true));

const hashedFields = ["hashedSaltedValue", "secretData", "credentialData"] as const;

const credential = z
  .object({
    type: z.string(),
    value: z.string().min(1).max(MAX_PASSWORD_LENGTH).nullish(),
    temporary: z.boolean().nullish(),
    hashedSaltedValue: z.unknown().optional(),
    secretData: z.unknown().optional(),
    credentialData: z.unknown().optional(),
    salt: z.unknown().optional(),
    hashIterations: z.unknown().optional(),
    algorithm: z.unknown().optional(),
  })
  .transform((value, ctx) => {
    if (value.type !== "password") {
      const message = `"${value.type}" credentials cannot be imported; only "password" can`;
      ctx.addIssue({ code: "custom", path: ["type"], message });
      return z.NEVER;
    }
    if (value.temporary) {
      const message = "temporary passwords cannot be imported yet (no required actions so far)";
      ctx.addIssue({ code: "custom", path: ["temporary"], message });
      return z.NEVER;
    }
    if (value.value) return { ...value, hash: undefined };
    if (!hashedFields.some((field) => value[field] !== undefined)) {
      const message = "a password credential needs a value or a hash";
      ctx.addIssue({ code: "custom", path: ["value"], message });
      return z.NEVER;
    }
    // Keycloak's exports carry hashes; they are kept as they are and checked at sign-in.
    const hash = importedPasswordHash(value);
    if (typeof hash === "string") return { ...value, hash };
    for (const issue of hash) ctx.addIssue({ code: "custom", ...issue });
    return z.NEVER;
  });

const user = z
  .object({
    username: z.string().trim().min(1).max(255).nullish(),
    email: z
      .string()
      .trim()
      .max(254)
      .regex(/^[^\s@]+@[^\s@]+$/, "is not an email address")
      .nullish(),
    emailVerified: z.boolean().nullish(),
    firstName: text.nullish(),
    lastName: text.nullish(),
    attributes: z.record(z.string().max(255), z.array(z.string().max(1024)).max(20)).nullish(),
    enabled: z.boolean().nullish(),
    credentials: z.array(credential).nullish(),
    /** Set on the service accounts in a Keycloak export: the clientId they belong to. */
    serviceAccountClientId: z.string().nullish(),
    ...userRoleFields,
  })
  .superRefine((value, ctx) => {
    if (!value.username && !value.email) {
      ctx.addIssue({
        code: "custom",
        path: ["username"],
        message: "a user needs a username or an email",
      });
    }
    const passwords = value.credentials?.filter((c) => c.type === "password") ?? [];
    if (passwords.length > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["credentials"],
        message: "a user has at most one password",
      });
    }
  });

const clients = z.array(client).superRefine((list, ctx) => {
  const seen = new Set<string>();
  const serviceAccounts = new Map<string, string>();
  list.forEach((entry, index) => {
    if (seen.has(entry.clientId)) {
      const message = `"${entry.clientId}" appears twice in this realm`;
      ctx.addIssue({ code: "custom", path: [index, "clientId"], message });
    }
    seen.add(entry.clientId);

    if (!entry.serviceAccountsEnabled) return;
    // Service account usernames are lower case, so "App" and "app" would share one.
    const username = serviceAccountUsername(entry.clientId);
    const other = serviceAccounts.get(username);
    if (other !== undefined && other !== entry.clientId) {
      const message = `"${other}" already has the service account "${username}"`;
      ctx.addIssue({ code: "custom", path: [index, "serviceAccountsEnabled"], message });
    }
    serviceAccounts.set(username, entry.clientId);
  });
});

const realmFields = z.object({
  realm: realmName,
  displayName: text.nullish(),
  enabled: z.boolean().nullish(),
  registrationAllowed: z.boolean().nullish(),
  accessTokenLifespan: seconds.nullish(),
  ssoSessionIdleTimeout: seconds.nullish(),
  ssoSessionMaxLifespan: seconds.nullish(),
  offlineSessionIdleTimeout: seconds.nullish(),
  bruteForceProtected: z.boolean().nullish(),
  failureFactor: z.int().min(1).max(1000).nullish(),
  waitIncrementSeconds: seconds.nullish(),
  maxFailureWaitSeconds: seconds.nullish(),
  maxDeltaTimeSeconds: seconds.nullish(),
  /** Latchkey's own: RFC 7591 registration without an initial access token. */
  clientRegistrationAnonymous: z.boolean().nullish(),
  defaultSignatureAlgorithm: signingAlg.nullish(),
  /** Latchkey's own: DPoP proofs must carry a server nonce (RFC 9449 §8). */
  dpopNonceRequired: z.boolean().nullish(),
  editUsernameAllowed: z.boolean().nullish(),
  defaultLocale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "is not a language tag such as en or de")
    .nullish(),
  clientScopes: clientScopeList.nullish(),
  /** The scopes a client without its own lists gets (and, later, clients the API creates). */
  defaultDefaultClientScopes: clientScopeNames.nullish(),
  defaultOptionalClientScopes: clientScopeNames.nullish(),
  clients: clients.nullish(),
  users: z.array(user).nullish(),
  ...roleFields,
  ...eventSettingsFields,
  ...webauthnPolicyFields,
});

/**
 * Keycloak exports each service account as a user with `serviceAccountClientId`: such an entry
 * stands for the service account its client gets, so it must name a client with one, once.
 */
function serviceAccountLinks(value: z.infer<typeof realmFields>, ctx: z.RefinementCtx) {
  const withServiceAccount = new Set(
    (value.clients ?? []).filter((c) => c.serviceAccountsEnabled).map((c) => c.clientId),
  );
  const linked = new Set<string>();
  (value.users ?? []).forEach((entry, index) => {
    const clientId = entry.serviceAccountClientId;
    if (clientId === undefined || clientId === null) return;

    const path = ["users", index, "serviceAccountClientId"];
    if (!withServiceAccount.has(clientId)) {
      const message = `no client "${clientId}" with serviceAccountsEnabled in this realm`;
      ctx.addIssue({ code: "custom", path, message });
    } else if (linked.has(clientId)) {
      const message = `"${clientId}" has one service account, named here twice`;
      ctx.addIssue({ code: "custom", path, message });
    }
    linked.add(clientId);
  });
}

export const realmRepresentation = realmFields.superRefine((value, ctx) => {
  serviceAccountLinks(value, ctx);
  clientRoleMapperClients(value, ctx);
});

export type RealmRepresentation = z.infer<typeof realmRepresentation>;
export type ClientRepresentation = z.infer<typeof client>;
export type UserRepresentation = z.infer<typeof user>;
