const forbiddenSchemes = new Set(["javascript:", "data:", "vbscript:", "file:"]);

/**
 * Why a redirect URI cannot be registered, or undefined when it can. Latchkey matches redirect
 * URIs exactly, so patterns and anything a browser would not send back unchanged are refused.
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.includes("*")) return `"${uri}" has a wildcard; list each redirect URI exactly`;

  if (/\s/.test(uri)) return `"${uri}" contains whitespace`;

  if (uri.includes("#")) return `"${uri}" has a fragment (#), which redirect URIs must not have`;

  if (!URL.canParse(uri)) return `"${uri}" is not an absolute URI`;

  const url = new URL(uri);
  if (forbiddenSchemes.has(url.protocol)) {
    return `"${uri}" uses the ${url.protocol} scheme, which is not allowed`;
  }

  if ((url.protocol === "http:" || url.protocol === "https:") && !url.hostname) {
    return `"${uri}" has no host`;
  }
  return undefined;
}

/**
 * Why a web origin cannot be registered, or undefined when it can ("+" stands for the redirect
 * URIs' origins).
 */
export function webOriginProblem(origin: string): string | undefined {
  if (origin === "+") return undefined;

  if (origin.includes("*")) return `"${origin}" has a wildcard; list each origin exactly`;

  if (!URL.canParse(origin)) return `"${origin}" is not an origin such as https://app.example`;

  const url = new URL(origin);
  if (url.origin === "null" || url.origin !== origin) {
    return `"${origin}" is not an origin such as https://app.example (scheme, host and port only)`;
  }
  return undefined;
}

/** The origins of the http(s) redirect URIs, which is what Keycloak's "+" web origin means. */
export function originsOf(uris: readonly string[]): string[] {
  const origins = uris
    .map((uri) => new URL(uri))
    .filter((url) => url.protocol === "http:" || url.protocol === "https:")
    .map((url) => url.origin);
  return [...new Set(origins)];
}

/**
 * Why a front- or back-channel logout URL cannot be registered, or undefined when it can: an
 * absolute http(s) URL without a fragment (Back-Channel Logout §2.2, Front-Channel Logout §2).
 */
export function logoutUrlProblem(uri: string): string | undefined {
  if (!URL.canParse(uri)) return `"${uri}" is not an absolute URL`;

  const url = new URL(uri);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `"${uri}" must be an http or https URL`;
  }
  if (url.hash !== "" || uri.includes("#")) return `"${uri}" must not have a fragment (#)`;
  return undefined;
}
