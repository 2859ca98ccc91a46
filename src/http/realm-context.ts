import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../config";
import { findRealmByName, type Realm } from "../db/realms";
import { PageError } from "./errors";
import { setRequestLocale } from "./locale";

/** Realm rows change rarely; a short isolate cache keeps D1 off the hot path. */
const CACHE_MS = 30_000;
const cache = new Map<string, { realm: Realm | undefined; until: number }>();

/** Forgets cached realms (tests, and after an import in the same isolate). */
export function clearRealmCache(): void {
  cache.clear();
}

/** Loads `:realm` and the issuer identifier for every route under `/realms/:realm`. */
export const realmContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const name = c.req.param("realm") ?? "";
  const now = Date.now();

  let entry = cache.get(name);
  if (!entry || entry.until < now) {
    entry = { realm: await findRealmByName(c.var.db, name), until: now + CACHE_MS };
    cache.set(name, entry);
  }
  if (!entry.realm?.enabled) throw new PageError("error.realmNotFound", 404);

  c.set("realm", entry.realm);
  // Now that the realm is known, its default language answers when the request names none.
  setRequestLocale(c, entry.realm.defaultLocale);
  c.set("issuer", `${new URL(c.req.url).origin}/realms/${entry.realm.name}`);
  await next();
};
