import type { AccountGuard } from "./limits/account-guard";

/** The worker's bindings, as declared in wrangler.toml and set as secrets. */
export interface Env {
  DB: D1Database;
  KEYS: KVNamespace;
  ACCOUNT_GUARD: DurableObjectNamespace<AccountGuard>;
  /** Realm that `/` leads to. */
  DEFAULT_REALM?: string;
  /** Base64 of 32 random bytes: seals private signing keys and derives the CSRF key. */
  KEY_ENCRYPTION_SECRET: string;
}

/** Hono's environment type for every route. */
export interface AppEnv {
  Bindings: Env;
}
