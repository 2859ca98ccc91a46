import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { spaCode } from "../support/clients";
import { dpopKey, dpopProof } from "../support/dpop";
import { tokenRequest } from "../support/oidc";
import { SPA_REDIRECT, seedRealm } from "../support/realm";

const SPA_ORIGIN = "https://spa.example";

function corsRealm() {
  return seedRealm({
    dpopNonceRequired: true,
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT], webOrigins: ["+"] },
    ],
  });
}

describe("CORS for DPoP (RFC 9449 §8, Fetch §3.2)", () => {
  it("allows the DPoP request header in a preflight", async () => {
    const realm = await corsRealm();
    const response = await SELF.fetch(`${realm.oidc}/token`, {
      method: "OPTIONS",
      headers: {
        origin: SPA_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "dpop",
      },
    });
    expect(response.headers.get("access-control-allow-headers")).toMatch(/\bDPoP\b/);
  });

  it("lets the web origin read the DPoP-Nonce of a use_dpop_nonce answer", async () => {
    const realm = await corsRealm();
    const { code, verifier } = await spaCode(realm.oidc);
    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/token`);

    const response = await tokenRequest(
      realm.oidc,
      {
        grant_type: "authorization_code",
        client_id: "spa",
        redirect_uri: SPA_REDIRECT,
        code,
        code_verifier: verifier,
      },
      { origin: SPA_ORIGIN, dpop: proof },
    );
    expect(((await response.json()) as { error: string }).error).toBe("use_dpop_nonce");
    expect(response.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
    const exposed = response.headers.get("access-control-expose-headers") ?? "";
    expect(exposed).toMatch(/\bDPoP-Nonce\b/);
    expect(exposed).toMatch(/\bWWW-Authenticate\b/);
  });

  it("names the client of a token presented with the DPoP scheme at UserInfo", async () => {
    const realm = await corsRealm();
    // Unverified here: CORS reads azp only to find the web origins; UserInfo refuses it.
    const token = `e30.${btoa(JSON.stringify({ azp: "spa" })).replace(/=+$/, "")}.sig`;

    const response = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `DPoP ${token}`, origin: SPA_ORIGIN },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
  });
});
