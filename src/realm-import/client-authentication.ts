import { z } from "zod";
import { ASYMMETRIC_ALGS, UNSIGNED_REQUEST_OBJECT_SETTINGS } from "../oidc/client-keys/algorithms";

/**
 * How a client of a Keycloak ClientRepresentation authenticates, and the attributes that go
 * with it: its registered keys, request object signing and pushed authorization requests.
 */

/** Keycloak's clientAuthenticatorType values Latchkey supports; `client-x509` is not one. */
export const clientAuthenticatorType = z.string().transform((value, ctx) => {
  if (value === "client-secret" || value === "client-jwt" || value === "client-secret-jwt") {
    return value;
  }
  const message = `"${value}" is not supported; use client-secret, client-jwt or client-secret-jwt`;
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
});

/** Keycloak writes boolean attributes as the strings "true" and "false". */
export const booleanAttribute = z.enum(["true", "false"]);

/** RFC 7517 §5: a JWK Set of public keys only; a private or symmetric key has no place here. */
export const jwksString = z.string().transform((value, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "is not JSON" });
    return z.NEVER;
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    ctx.addIssue({ code: "custom", message: 'must be a JWK Set: {"keys": [...]}' });
    return z.NEVER;
  }
  for (const key of keys as Record<string, unknown>[]) {
    if (typeof key !== "object" || key === null || (key.kty !== "RSA" && key.kty !== "EC")) {
      ctx.addIssue({ code: "custom", message: "holds a key that is not an RSA or EC key" });
      return z.NEVER;
    }
    if ("d" in key) {
      ctx.addIssue({ code: "custom", message: "holds a private key; register public keys only" });
      return z.NEVER;
    }
  }
  return { keys: keys as JsonWebKey[] };
});

/** A jwks_uri is fetched by the server, so plain http (and its tampering) is refused. */
export const jwksUrl = z.string().superRefine((value, ctx) => {
  if (!URL.canParse(value) || new URL(value).protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: `"${value}" is not an https URL` });
  }
});

/**
 * Keycloak's `request.uris`: "##"-separated https URLs the server may fetch request objects
 * from. A fragment is the client's own version marker, so registration leaves it out.
 */
export const requestUris = z.string().transform((value, ctx) => {
  const entries = value
    .split("##")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    if (!URL.canParse(entry) || new URL(entry).protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: `"${entry}" is not an https URL` });
    } else if (new URL(entry).hash !== "" || entry.includes("*")) {
      ctx.addIssue({ code: "custom", message: `"${entry}" must be exact, without a fragment` });
    }
  }
  return entries.map((entry) => (URL.canParse(entry) ? new URL(entry).href : entry));
});

const requestObjectAlgs: readonly string[] = [
  ...ASYMMETRIC_ALGS,
  ...UNSIGNED_REQUEST_OBJECT_SETTINGS,
];

export const requestObjectSignatureAlg = z.string().superRefine((value, ctx) => {
  if (!requestObjectAlgs.includes(value)) {
    ctx.addIssue({ code: "custom", message: `must be one of ${requestObjectAlgs.join(", ")}` });
  }
});

/** The attributes above, to merge into the client's `attributes` object. */
export const clientAuthenticationAttributes = {
  "use.jwks.string": booleanAttribute.nullish(),
  "jwks.string": jwksString.nullish(),
  "use.jwks.url": booleanAttribute.nullish(),
  "jwks.url": jwksUrl.nullish(),
  "request.object.signature.alg": requestObjectSignatureAlg.nullish(),
  "request.uris": requestUris.nullish(),
  "require.pushed.authorization.requests": booleanAttribute.nullish(),
};

type Attributes = {
  "use.jwks.string"?: string | null;
  "jwks.string"?: { keys: JsonWebKey[] } | null;
  "use.jwks.url"?: string | null;
  "jwks.url"?: string | null;
};

/** The keys a client registered, as Keycloak reads them: each source only when switched on. */
export function registeredKeys(attributes: Attributes | null | undefined) {
  const jwks = attributes?.["use.jwks.string"] === "true" ? attributes["jwks.string"] : undefined;
  const jwksUri = attributes?.["use.jwks.url"] === "true" ? attributes["jwks.url"] : undefined;
  return { jwks: jwks ?? null, jwksUri: jwksUri ?? null };
}
