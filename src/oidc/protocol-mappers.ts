import type { ClientScopeSet, ProtocolMapper } from "../db/client-scopes";
import type { Client } from "../db/clients";
import { type MapperSubject, mappedClaims } from "./mapper-values";
import { scopeApplies } from "./scopes";

/** Keycloak's `protocolMapper` ids that Latchkey applies. */
export const MAPPER_TYPES = [
  "oidc-usermodel-attribute-mapper",
  "oidc-hardcoded-claim-mapper",
  "oidc-audience-mapper",
  "oidc-usermodel-property-mapper",
  "oidc-group-membership-mapper",
  "oidc-usermodel-realm-role-mapper",
  "oidc-usermodel-client-role-mapper",
] as const;

/**
 * Claims a mapper may not set: they say who issued a token, to whom, when and for what, so
 * only the token's own grant may (the import refuses such a `claim.name`).
 */
export const RESERVED_CLAIMS = new Set([
  "iss",
  "sub",
  "aud",
  "exp",
  "nbf",
  "iat",
  "jti",
  "azp",
  "typ",
  "nonce",
  "auth_time",
  "sid",
  "session_state",
  "at_hash",
  "c_hash",
  "acr",
  "amr",
  "scope",
  "client_id",
  "cnf",
  "act",
  "may_act",
  "events",
]);

/** Where a claim goes: the access token, the ID token, UserInfo, or introspection answers. */
export type ClaimTarget = "access" | "id" | "userinfo" | "introspection";

type Claims = Record<string, unknown>;

/** A claim name's path: dots nest, `\.` is a literal dot, as in Keycloak's `claim.name`. */
export function claimPath(name: string): string[] {
  return name.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, "."));
}

/**
 * Keycloak's flags: absent means no, except UserInfo, which follows the ID token's flag when
 * `userinfo.token.claim` is absent, and introspection, which follows the access token's.
 */
export function includedIn(mapper: ProtocolMapper, target: ClaimTarget): boolean {
  const { config } = mapper;
  if (target === "access") return config["access.token.claim"] === "true";
  if (target === "id") return config["id.token.claim"] === "true";
  const [own, fallback] =
    target === "userinfo"
      ? [config["userinfo.token.claim"], config["id.token.claim"]]
      : [config["introspection.token.claim"], config["access.token.claim"]];
  return (own ?? fallback) === "true";
}

/** The mappers that shape a token: the client's own and those of its applying scopes. */
export function applicableMappers(
  set: ClientScopeSet,
  client: Client,
  scope: string,
): ProtocolMapper[] {
  const fromScopes = set.realmScopes
    .filter((realmScope) => scopeApplies(realmScope.name, scope, client))
    .flatMap((realmScope) => realmScope.mappers);
  return [...fromScopes, ...set.clientMappers];
}

/** Converts a value as `jsonType.label` says; undefined when it does not convert. */
export function typedValue(value: string, type: string | undefined): unknown {
  switch (type) {
    case "long":
    case "int":
      return /^-?\d{1,15}$/.test(value) ? Number(value) : undefined;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : undefined;
    case "JSON":
      try {
        return JSON.parse(value);
      } catch {
        return undefined;
      }
    default:
      return value;
  }
}

/** A claim's value: typed by `jsonType.label`, a list when `multivalued`, else the first. */
function claimValue(mapper: ProtocolMapper, values: string[]): unknown {
  const { config } = mapper;
  const typed = values
    .map((value) => typedValue(value, config["jsonType.label"]))
    .filter((value) => value !== undefined);
  if (config.multivalued === "true") return typed.length > 0 ? typed : undefined;
  return typed[0];
}

/**
 * Sets a claim at its path, nesting into objects other mappers built; a list joins a list
 * already there (as Keycloak's multivalued claims do), without repeats.
 */
function setClaim(claims: Claims, path: string[], value: unknown): void {
  let target = claims;
  for (const part of path.slice(0, -1)) {
    const next = target[part];
    if (typeof next !== "object" || next === null || Array.isArray(next)) target[part] = {};
    target = target[part] as Claims;
  }
  const last = path[path.length - 1] as string;
  const existing = target[last];
  target[last] =
    Array.isArray(existing) && Array.isArray(value) ? [...new Set([...existing, ...value])] : value;
}

/**
 * The claims the mappers put into one kind of token (audiences aside), reserved ones never,
 * merged into a copy of `base` (e.g. the `roles` scope's `realm_access`).
 */
export function mapperClaims(
  mappers: ProtocolMapper[],
  subject: MapperSubject,
  target: ClaimTarget,
  base: Claims = {},
): Claims {
  const claims: Claims = structuredClone(base);
  for (const mapper of mappers) {
    if (mapper.type === "oidc-audience-mapper" || !includedIn(mapper, target)) continue;
    for (const claim of mappedClaims(mapper, subject)) {
      const path = claimPath(claim.name);
      if (path.some((part) => part === "") || RESERVED_CLAIMS.has(path[0] as string)) continue;
      const value = claimValue(mapper, claim.values);
      if (value !== undefined) setClaim(claims, path, value);
    }
  }
  return claims;
}

/** The audiences a mapper names: a client's id and/or a custom audience. */
function audiencesOf(mapper: ProtocolMapper): string[] {
  const { config } = mapper;
  return [config["included.client.audience"], config["included.custom.audience"]].filter(
    (value): value is string => value !== undefined && value !== "",
  );
}

/** The audiences the audience mappers add to one kind of token (Keycloak's audience mapper). */
export function mappedAudiences(mappers: ProtocolMapper[], target: "access" | "id"): string[] {
  const audiences = mappers
    .filter((mapper) => mapper.type === "oidc-audience-mapper" && includedIn(mapper, target))
    .flatMap(audiencesOf);
  return [...new Set(audiences)];
}

/**
 * The RFC 8707 resources a client may ask for: its `resource.indicators`, and the audiences of
 * every audience mapper it has, directly or through its default and optional scopes.
 */
export function allowedResources(set: ClientScopeSet, client: Client): Set<string> {
  const names = new Set([...client.defaultClientScopes, ...client.optionalClientScopes]);
  const mappers = [
    ...set.realmScopes.filter((realmScope) => names.has(realmScope.name)).flatMap((s) => s.mappers),
    ...set.clientMappers,
  ];
  const audiences = mappers.filter((m) => m.type === "oidc-audience-mapper").flatMap(audiencesOf);
  return new Set([...client.resourceIndicators, ...audiences]);
}
