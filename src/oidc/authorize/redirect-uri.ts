import type { Client } from "../../db/clients";

/**
 * An `http` URI on a loopback IP literal, split into host, port and the rest (path and query).
 * Matched on the string, not a parsed URL, so nothing a URL parser normalizes (`0x7f.1`,
 * `/a/../b`, `user@host`) can make a different URI look like a registered one.
 */
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?([/?][^#]*)?$/;

interface LoopbackUri {
  host: string;
  rest: string;
}

function loopbackUri(uri: string): LoopbackUri | undefined {
  const match = LOOPBACK.exec(uri);
  if (!match) return undefined;
  const [, host = "", port, rest = ""] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  return { host, rest };
}

/**
 * RFC 8252 §7.3: a native app listens on whatever port the system gives it, so a registered
 * loopback IP redirect URI matches a request on any port, everything else the same. `localhost`
 * gets no such leniency (RFC 8252 §8.3).
 */
function matchesLoopback(registered: string, requested: string): boolean {
  const want = loopbackUri(registered);
  const got = want && loopbackUri(requested);
  return got !== undefined && want?.host === got.host && want.rest === got.rest;
}

/**
 * Whether a redirect_uri is registered for the client: character for character, or for public
 * clients (Latchkey's native apps) a loopback IP redirect URI on another port.
 */
export function isRegisteredRedirectUri(client: Client, redirectUri: string): boolean {
  if (client.redirectUris.includes(redirectUri)) return true;
  if (!client.publicClient) return false;
  return client.redirectUris.some((registered) => matchesLoopback(registered, redirectUri));
}
