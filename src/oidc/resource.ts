import { OAuthError } from "../http/errors";

/**
 * RFC 8707 resource indicators. A `resource` parameter may repeat; the parameter reader keeps
 * its values space-separated (an absolute URI has no literal space).
 */

/** RFC 8707 §2: each value is an absolute URI without a fragment, else invalid_target. */
export function parseResource(value: string | undefined): string[] {
  const values = [...new Set((value ?? "").split(" ").filter((entry) => entry !== ""))];
  for (const entry of values) {
    if (!URL.canParse(entry) || entry.includes("#")) {
      throw new OAuthError("invalid_target", "resource must be an absolute URI without fragment.");
    }
  }
  return values;
}

/**
 * RFC 8707 §2: a resource the client may not ask for is invalid_target. What it may ask for is
 * its `resource.indicators` and its audience mappers' audiences.
 */
export function checkResources(requested: string[], allowed: ReadonlySet<string>): string[] {
  if (requested.some((resource) => !allowed.has(resource))) {
    throw new OAuthError("invalid_target", "The resource is not allowed for this client.");
  }
  return requested;
}

/**
 * RFC 8707 §2.2: at the token endpoint, the resources for this access token: those asked for
 * now, which must be among those the grant was given for (when it named any), else the
 * grant's own.
 */
export function tokenResources(
  requested: string | undefined,
  granted: string[],
  allowed: ReadonlySet<string>,
): string[] {
  const asked = checkResources(parseResource(requested), allowed);
  if (asked.length === 0) return granted;
  if (granted.length > 0 && asked.some((resource) => !granted.includes(resource))) {
    throw new OAuthError("invalid_target", "The resource was not part of the authorization.");
  }
  return asked;
}

/** An access token's `aud` for these resources: one is a string, several an array. */
export function resourceAudience(resources: string[]): string | string[] | undefined {
  if (resources.length === 0) return undefined;
  return resources.length === 1 ? resources[0] : resources;
}
