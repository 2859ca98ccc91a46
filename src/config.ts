import type { Administrator } from "./admin/auth";
import { secretBytes } from "./crypto/secret";
import type { Database } from "./db/client";
import type { Client } from "./db/clients";
import type { Realm } from "./db/realms";
import type { Locale, Translator } from "./i18n";
import type { AccountGuard } from "./limits/account-guard";
import type { WebhookDispatcher } from "./webhooks/dispatcher";

/** The worker's bindings, as declared in wrangler.toml and set as secrets. */
export interface Env {
  DB: D1Database;
  KEYS: KVNamespace;
  ACCOUNT_GUARD: DurableObjectNamespace<AccountGuard>;
  WEBHOOK_DISPATCHER: DurableObjectNamespace<WebhookDispatcher>;
  /** "true" lets webhooks reach loopback and private addresses: local development only. */
  WEBHOOKS_ALLOW_PRIVATE_TARGETS?: string;
  /** Realm that `/` leads to. */
  DEFAULT_REALM?: string;
  /** The first master-realm administrator, created once when the master realm is missing. */
  BOOTSTRAP_ADMIN_USERNAME?: string;
  BOOTSTRAP_ADMIN_PASSWORD?: string;
  /** Base64 of 32 random bytes: seals private signing keys and derives the CSRF key. */
  KEY_ENCRYPTION_SECRET: string;
}

/** Per-request values that middleware resolves once. */
export interface RequestVariables {
  db: Database;
  /** Whether errors answer as a page for a person or as JSON for a client. */
  surface: "page" | "api";
  locale: Locale;
  t: Translator;
  realm: Realm;
  /** `{origin}/realms/{realm}`, the OpenID issuer identifier. */
  issuer: string;
  /** The client that authenticated at a token service endpoint, once it has. */
  client?: Client;
  /** The key a token request proved possession of with DPoP (RFC 9449 §5), once checked. */
  dpopJkt?: string;
  /** Who calls the admin API, once their bearer token is verified. */
  admin?: Administrator;
  /** Origins that may frame this response (CSP frame-ancestors); unset means none. */
  frameAncestors?: string[];
  /** Origins this page may load in iframes (CSP frame-src); unset means none. */
  frameSources?: string[];
}

/** Hono's environment type for every route. */
export interface AppEnv {
  Bindings: Env;
  Variables: RequestVariables;
}

let checkedSecret: string | undefined;

/**
 * Validates the deployment's settings once per isolate, so a missing or weak secret fails
 * every request loudly instead of some of them strangely.
 */
export function checkConfig(env: Env): void {
  if (checkedSecret === env.KEY_ENCRYPTION_SECRET) return;
  secretBytes(env.KEY_ENCRYPTION_SECRET);
  checkedSecret = env.KEY_ENCRYPTION_SECRET;
}
