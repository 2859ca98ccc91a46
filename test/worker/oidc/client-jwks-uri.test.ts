import { exportJWK } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  assertionClaims,
  assertionFields,
  seedAssertionRealm,
  signAssertion,
  signerKeys,
} from "../support/assertions";
import { tokenRequest } from "../support/oidc";

const JWKS_URL = "https://signer.example/jwks";

const signerJwks = { keys: [{ ...(await exportJWK(signerKeys.publicKey)), kid: "signer-1" }] };

/**
 * Stands in for the client's own server, which tests cannot reach: answers fetches of each
 * jwks.url with `answer` and records how they were made. Latchkey's own code is not replaced.
 */
function clientServer(answer: (url: string) => Response) {
  const seen: { url: string; redirect: RequestInit["redirect"] }[] = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith("https://signer.example/")) return real(input, init);
    seen.push({ url, redirect: init?.redirect });
    return Promise.resolve(answer(url));
  });
  return seen;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** A realm whose `signer` publishes its keys at `url` (unique per test, so no cache is shared). */
function seedWithJwksUrl(url: string) {
  return seedAssertionRealm({
    "use.jwks.string": "false",
    "use.jwks.url": "true",
    "jwks.url": url,
  });
}

describe("private_key_jwt with keys from the client's jwks.url", () => {
  it("fetches the keys without following redirects and accepts the assertion", async () => {
    const url = `${JWKS_URL}/${crypto.randomUUID()}`;
    const seen = clientServer(() => Response.json(signerJwks));
    const realm = await seedWithJwksUrl(url);
    const assertion = await signAssertion(assertionClaims("signer", realm.issuer));

    const response = await tokenRequest(realm.oidc, {
      grant_type: "client_credentials",
      ...assertionFields(assertion),
    });
    expect(response.status).toBe(200);
    expect(seen).toEqual([{ url, redirect: "manual" }]);
  });

  it("refuses the assertion with invalid_client when the jwks.url redirects", async () => {
    const url = `${JWKS_URL}/${crypto.randomUUID()}`;
    clientServer(() => new Response(null, { status: 302, headers: { location: "/elsewhere" } }));
    const realm = await seedWithJwksUrl(url);
    const assertion = await signAssertion(assertionClaims("signer", realm.issuer));

    const response = await tokenRequest(realm.oidc, {
      grant_type: "client_credentials",
      ...assertionFields(assertion),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_client");
  });
});
