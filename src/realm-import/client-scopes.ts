import { z } from "zod";
import { randomId } from "../crypto/random";
import type { clientScopes, protocolMappers } from "../db/schema";
import { USER_PROPERTY_NAMES } from "../oidc/mapper-values";
import { claimPath, MAPPER_TYPES, RESERVED_CLAIMS, typedValue } from "../oidc/protocol-mappers";
import { isSupportedScope } from "../oidc/scopes";

/**
 * Keycloak's ClientScopeRepresentation and ProtocolMapperRepresentation, as far as Latchkey
 * applies them. A mapper of a type Latchkey does not apply is refused, never ignored.
 */

const mapperTypes = new Set<string>(MAPPER_TYPES);
const jsonTypes = new Set(["String", "long", "int", "boolean", "JSON"]);
const flags = [
  "access.token.claim",
  "id.token.claim",
  "userinfo.token.claim",
  "introspection.token.claim",
  "multivalued",
  "full.path",
];

/** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`. */
export const scopeName = z
  .string()
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,255}$/, "must be a scope token: no spaces, quotes or \\");

/** Adds an issue naming the mapper, so a refusal says which one. */
function refuse(ctx: z.RefinementCtx, name: string, path: PropertyKey[], problem: string) {
  ctx.addIssue({ code: "custom", path, message: `mapper "${name}": ${problem}` });
}

function checkClaim(config: Record<string, string>, name: string, ctx: z.RefinementCtx) {
  const claim = config["claim.name"];
  const path = ["config", "claim.name"];
  if (!claim) return refuse(ctx, name, path, "needs claim.name");
  const first = claimPath(claim)[0] ?? "";
  if (first === "" || claimPath(claim).some((part) => part === "")) {
    return refuse(ctx, name, path, `claim.name "${claim}" is not a claim name`);
  }
  if (RESERVED_CLAIMS.has(first)) {
    refuse(ctx, name, path, `claim.name "${claim}" is reserved; the token's grant sets it`);
  }
}

function checkConfig(
  type: string,
  config: Record<string, string>,
  name: string,
  ctx: z.RefinementCtx,
) {
  for (const flag of flags) {
    const value = config[flag];
    if (value !== undefined && value !== "true" && value !== "false") {
      refuse(ctx, name, ["config", flag], `${flag} must be "true" or "false"`);
    }
  }
  if (type === "oidc-audience-mapper") {
    if (!config["included.client.audience"] && !config["included.custom.audience"]) {
      const problem = "needs included.client.audience or included.custom.audience";
      refuse(ctx, name, ["config"], problem);
    }
    return;
  }

  checkClaim(config, name, ctx);
  const jsonType = config["jsonType.label"];
  if (jsonType !== undefined && !jsonTypes.has(jsonType)) {
    const problem = `jsonType.label "${jsonType}" is not one of ${[...jsonTypes].join(", ")}`;
    refuse(ctx, name, ["config", "jsonType.label"], problem);
  }
  if (type === "oidc-usermodel-attribute-mapper" && !config["user.attribute"]) {
    refuse(ctx, name, ["config", "user.attribute"], "needs user.attribute");
  }
  const property = config["user.attribute"] ?? "";
  if (type === "oidc-usermodel-property-mapper" && !USER_PROPERTY_NAMES.includes(property)) {
    const problem = `user.attribute "${property}" is not one of ${USER_PROPERTY_NAMES.join(", ")}`;
    refuse(ctx, name, ["config", "user.attribute"], problem);
  }
  if (type === "oidc-hardcoded-claim-mapper") {
    const value = config["claim.value"];
    if (value === undefined || typedValue(value, jsonType) === undefined) {
      refuse(ctx, name, ["config", "claim.value"], `claim.value is not a ${jsonType ?? "String"}`);
    }
  }
}

export const protocolMapper = z
  .object({
    name: z.string().min(1).max(255),
    protocol: z.literal("openid-connect").nullish(),
    protocolMapper: z.string().max(255),
    config: z.record(z.string().max(255), z.string().max(4096)).nullish(),
  })
  .superRefine((value, ctx) => {
    if (!mapperTypes.has(value.protocolMapper)) {
      const problem =
        `protocolMapper "${value.protocolMapper}" is not supported; ` +
        `use ${MAPPER_TYPES.join(", ")}`;
      return refuse(ctx, value.name, ["protocolMapper"], problem);
    }
    checkConfig(value.protocolMapper, value.config ?? {}, value.name, ctx);
  });

export type ProtocolMapperRepresentation = z.infer<typeof protocolMapper>;

export const protocolMapperList = z.array(protocolMapper).max(100);

/**
 * A realm client scope. Keycloak's exports also carry its built-in scopes (profile, email,
 * microprofile-jwt, ...) and SAML ones: Latchkey has its own built-ins, lacks the others and
 * has no SAML, so those entries are skipped whole, mappers included, as before realm scopes
 * existed; every other scope's mappers must be ones Latchkey applies.
 */
export const clientScope = z
  .object({
    name: scopeName,
    description: z.string().max(255).nullish(),
    protocol: z.string().max(64).nullish(),
    attributes: z
      .object({
        "include.in.token.scope": z.enum(["true", "false"]).nullish(),
        "consent.screen.text": z.string().max(255).nullish(),
      })
      .nullish(),
    protocolMappers: z.array(z.unknown()).max(100).nullish(),
  })
  .transform((value, ctx) => {
    const skipped = isSkippedScope(value);
    const mappers: ProtocolMapperRepresentation[] = [];
    (skipped ? [] : (value.protocolMappers ?? [])).forEach((entry, index) => {
      const result = protocolMapper.safeParse(entry);
      if (result.success) mappers.push(result.data);
      for (const issue of result.success ? [] : result.error.issues) {
        const path = ["protocolMappers", index, ...issue.path];
        ctx.addIssue({ code: "custom", path, message: issue.message });
      }
    });
    return { ...value, skipped, protocolMappers: mappers };
  });

export type ClientScopeRepresentation = z.infer<typeof clientScope>;

/** Keycloak's own client scopes that Latchkey does not provide; clients naming them are let be. */
const keycloakOnlyScopes = new Set(["microprofile-jwt", "organization", "service_account"]);

function isSkippedScope(value: { name: string; protocol?: string | null }): boolean {
  const protocol = value.protocol ?? "openid-connect";
  if (protocol !== "openid-connect") return true;
  return isSupportedScope(value.name) || keycloakOnlyScopes.has(value.name);
}

/**
 * Whether a realm file's scope mappings may name this scope without Latchkey keeping them:
 * a built-in scope, one only Keycloak has, or an entry of the file's list that is skipped.
 */
export function isLeftOutScope(
  name: string,
  list: readonly ClientScopeRepresentation[] | null | undefined,
): boolean {
  if (isSupportedScope(name) || keycloakOnlyScopes.has(name)) return true;
  return (list ?? []).some((entry) => entry.name === name && entry.skipped);
}

/** Client scopes of a realm: each name once. */
export const clientScopeList = z
  .array(clientScope)
  .max(200)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((entry, index) => {
      if (seen.has(entry.name)) {
        const message = `"${entry.name}" appears twice in this realm`;
        ctx.addIssue({ code: "custom", path: [index, "name"], message });
      }
      seen.add(entry.name);
    });
  });

/** The realm's own client scopes' names (those not skipped). */
export function realmScopeNames(list: readonly ClientScopeRepresentation[] | null | undefined) {
  return new Set((list ?? []).filter((entry) => !entry.skipped).map((entry) => entry.name));
}

type ScopeRow = typeof clientScopes.$inferInsert;
type MapperRow = typeof protocolMappers.$inferInsert;

/** The rows of a realm's client scopes and their mappers; `idOf` keeps an existing id. */
export function clientScopeRows(
  list: readonly ClientScopeRepresentation[] | null | undefined,
  realmId: string,
  idOf: (name: string) => string | undefined = () => undefined,
): { scopes: ScopeRow[]; mappers: MapperRow[] } {
  const scopes: ScopeRow[] = [];
  const mappers: MapperRow[] = [];
  for (const entry of (list ?? []).filter((scope) => !scope.skipped)) {
    const id = idOf(entry.name) ?? randomId();
    scopes.push({
      id,
      realmId,
      name: entry.name,
      description: entry.description ?? null,
      includeInTokenScope: entry.attributes?.["include.in.token.scope"] !== "false",
      consentScreenText: entry.attributes?.["consent.screen.text"] || null,
    });
    mappers.push(...mapperRows(entry.protocolMappers, realmId, { scopeId: id }));
  }
  return { scopes, mappers };
}

/** Mapper rows for a scope's or a client's mappers. */
export function mapperRows(
  list: readonly ProtocolMapperRepresentation[] | null | undefined,
  realmId: string,
  owner: { scopeId: string } | { clientId: string },
): MapperRow[] {
  return (list ?? []).map((mapper) => ({
    id: randomId(),
    realmId,
    ...owner,
    name: mapper.name,
    type: mapper.protocolMapper,
    config: mapper.config ?? {},
  }));
}
