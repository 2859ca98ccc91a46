import type { ClientScopeSet, ProtocolMapper } from "../db/client-scopes";
import type { Client } from "../db/clients";
import type { User } from "../db/users";
import { scopeApplies } from "./scopes";

/** Keycloak's `protocolMapper` ids that Latchkey applies. */
export const MAPPER_TYPES = [
  "oidc-usermodel-attribute-mapper",
  "oidc-hardcoded-claim-mapper",
  "oidc-audience-mapper",
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

/** Where a claim goes: the access token, the ID token, or the UserInfo answer. */
export type ClaimTarget = "access" | "id" | "userinfo";

type Claims = Record<string, unknown>;

/** A claim name's path: dots nest, `\.` is a literal dot, as in Keycloak's `claim.name`. */
export function claimPath(name: string): string[] {
  return name.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, "."));
}

/**
 * Keycloak's flags: absent means no, except UserInfo, which follows the ID token's flag when
 * `userinfo.token.claim` is absent.
 */
function includedIn(mapper: ProtocolMapper, target: ClaimTarget): boolean {
  const { config } = mapper;
  if (target === "access") return config["access.token.claim"] === "true";
  if (target === "id") return config["id.token.claim"] === "true";
  const userinfo = config["userinfo.token.claim"];
  return userinfo === undefined ? config["id.token.claim"] === "true" : userinfo === "true";
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

function mappedValue(mapper: ProtocolMapper, user: User): unknown {
  const { config } = mapper;
  const type = config["jsonType.label"];
  const raw =
    mapper.type === "oidc-hardcoded-claim-mapper"
      ? [config["claim.value"] ?? ""]
      : (user.attributes?.[config["user.attribute"] ?? ""] ?? []);
  const values = raw.map((value) => typedValue(value, type)).filter((v) => v !== undefined);
  if (config.multivalued === "true") return values.length > 0 ? values : undefined;
  return values[0];
}

/** Sets a claim at its path, nesting into objects other mappers built. */
function setClaim(claims: Claims, path: string[], value: unknown): void {
  let target = claims;
  for (const part of path.slice(0, -1)) {
    const next = target[part];
    if (typeof next !== "object" || next === null || Array.isArray(next)) target[part] = {};
    target = target[part] as Claims;
  }
  target[path[path.length - 1] as string] = value;
}

/** The claims the mappers put into one kind of token (audiences aside), reserved ones never. */
export function mapperClaims(mappers: ProtocolMapper[], user: User, target: ClaimTarget): Claims {
  const claims: Claims = {};
  for (const mapper of mappers) {
    if (mapper.type === "oidc-audience-mapper" || !includedIn(mapper, target)) continue;
    const path = claimPath(mapper.config["claim.name"] ?? "");
    if (path[0] === "" || RESERVED_CLAIMS.has(path[0] as string)) continue;
    const value = mappedValue(mapper, user);
    if (value !== undefined) setClaim(claims, path, value);
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
