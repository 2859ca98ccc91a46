import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from "jose";
import type { Client } from "../../db/clients";

/** A jwks_uri that does not answer quickly fails the request rather than holding it. */
const FETCH_TIMEOUT_MS = 3_000;

/** Keys fetched from a jwks_uri are reused this long; an unknown `kid` refetches sooner. */
const CACHE_MAX_AGE_MS = 10 * 60_000;

/** Between refetches for an unknown `kid`, so a stream of bad tokens cannot hammer the URI. */
const COOLDOWN_MS = 30_000;

// One remote set per URL per isolate: jose caches the fetched keys inside it.
const remoteSets = new Map<string, JWTVerifyGetKey>();

/**
 * The public keys a client registered (Keycloak's `jwks.url` or `jwks.string`), for its
 * client assertions and request objects; undefined when it registered none. A jwks_uri is
 * fetched without following redirects (jose sets `redirect: "manual"`), with a timeout, and
 * cached.
 */
export function clientKeySet(client: Client): JWTVerifyGetKey | undefined {
  if (client.jwksUri !== null) {
    let set = remoteSets.get(client.jwksUri);
    if (!set) {
      set = createRemoteJWKSet(new URL(client.jwksUri), {
        timeoutDuration: FETCH_TIMEOUT_MS,
        cacheMaxAge: CACHE_MAX_AGE_MS,
        cooldownDuration: COOLDOWN_MS,
      });
      remoteSets.set(client.jwksUri, set);
    }
    return set;
  }
  if (client.jwks !== null) return createLocalJWKSet(client.jwks as JSONWebKeySet);
  return undefined;
}
