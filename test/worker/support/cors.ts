import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { BACKEND_REDIRECT, BACKEND_SECRET, SPA_REDIRECT, seedRealm } from "./realm";

export const SPA_ORIGIN = "https://spa.example";
export const BACKEND_APP_ORIGIN = "https://backend-app.example";
export const OTHER_ORIGIN = "https://other.example";
export const EVIL_ORIGIN = "https://evil.example";

/** `spa` registers its redirect URIs' origins ("+"); `other` an origin of its own. */
export function corsRealm() {
  return seedRealm({
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT], webOrigins: ["+"] },
      {
        clientId: "backend",
        secret: BACKEND_SECRET,
        redirectUris: [BACKEND_REDIRECT],
        webOrigins: [BACKEND_APP_ORIGIN],
      },
      {
        clientId: "other",
        publicClient: true,
        redirectUris: ["https://other.example/cb"],
        webOrigins: [OTHER_ORIGIN],
      },
    ],
  });
}

export function post(url: string, fields: Record<string, string>, headers: Record<string, string>) {
  return SELF.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

export function preflight(url: string, origin: string, method = "POST") {
  return SELF.fetch(url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": "authorization, content-type, dpop",
    },
  });
}

/** A script on `origin` may read the answer, cookies and all. */
export function expectReadableFrom(response: Response, origin: string) {
  expect(response.headers.get("access-control-allow-origin")).toBe(origin);
  expect(response.headers.get("access-control-allow-credentials")).toBe("true");
  expect(response.headers.get("vary")).toMatch(/\bOrigin\b/i);
}

/** No CORS headers at all: the browser withholds the answer from the script. */
export function expectNotReadable(response: Response) {
  expect(response.headers.get("access-control-allow-origin")).toBeNull();
  expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  expect(response.headers.get("access-control-allow-methods")).toBeNull();
}
