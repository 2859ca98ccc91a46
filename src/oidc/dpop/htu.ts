const UNRESERVED = /^[A-Za-z0-9._~-]$/;

/**
 * A URI reduced to what RFC 9449 §4.3 compares for `htu`: scheme, authority and path, without
 * query and fragment, after RFC 3986 §6.2.2 and §6.2.3 normalisation (case, default port, dot
 * segments and percent-encoding). Undefined for what is not an absolute http(s) URI.
 */
export function normalizedHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;

  // §6.2.2.1-2: hex digits in upper case; unreserved characters are never percent-encoded.
  const path = url.pathname.replace(/%[0-9A-Fa-f]{2}/g, (encoded) => {
    const char = String.fromCharCode(Number.parseInt(encoded.slice(1), 16));
    return UNRESERVED.test(char) ? char : encoded.toUpperCase();
  });
  return `${url.protocol}//${url.host}${path}`;
}
