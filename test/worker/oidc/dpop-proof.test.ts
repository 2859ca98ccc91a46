import { SELF } from "cloudflare:test";
import { decodeJwt, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { DPOP_SIGNING_ALGS } from "../../../src/oidc/dpop/algorithms";
import { basicAuthorization } from "../support/clients";
import {
  dpopKey,
  dpopProof,
  rawJws,
  seedDpopRealm,
  WORKER_SECRET,
  workerTokenRequest,
} from "../support/dpop";
import { tokenRequest } from "../support/oidc";

type Body = Record<string, unknown>;

async function expectRefused(response: Response, error = "invalid_dpop_proof") {
  expect(response.status).toBe(400);
  expect(((await response.json()) as Body).error).toBe(error);
}

const now = () => Math.floor(Date.now() / 1000);

describe("DPoP proofs at the token endpoint (RFC 9449 §4.3, §5)", () => {
  it("binds the access token to the proof's key and answers token_type DPoP", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();

    const response = await workerTokenRequest(
      realm.oidc,
      await dpopProof(key, `${realm.oidc}/token`),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Body;
    expect(body.token_type).toBe("DPoP");
    expect(decodeJwt(String(body.access_token)).cnf).toEqual({ jkt: key.jkt });
  });

  it("answers a bearer token without cnf when no proof is sent", async () => {
    const realm = await seedDpopRealm();

    const body = (await (await workerTokenRequest(realm.oidc)).json()) as Body;
    expect(body.token_type).toBe("Bearer");
    expect(decodeJwt(String(body.access_token)).cnf).toBeUndefined();
  });

  it("accepts proofs signed with every algorithm discovery lists", async () => {
    const realm = await seedDpopRealm();
    const discovery = await SELF.fetch(`${realm.issuer}/.well-known/openid-configuration`);
    const listed = ((await discovery.json()) as Body).dpop_signing_alg_values_supported;
    expect(listed).toEqual([...DPOP_SIGNING_ALGS]);
    for (const alg of DPOP_SIGNING_ALGS) {
      const key = await dpopKey(alg);
      const proof = await dpopProof(key, `${realm.oidc}/token`);
      expect([alg, (await workerTokenRequest(realm.oidc, proof)).status]).toEqual([alg, 200]);
    }
  });

  it("accepts an htu that differs only in case, default port, query and fragment", async () => {
    const realm = await seedDpopRealm();
    const htu = `${realm.oidc.replace("https://id.example", "HTTPS://ID.Example:443")}/token?a=1#f`;

    const proof = await dpopProof(await dpopKey(), htu);
    expect((await workerTokenRequest(realm.oidc, proof)).status).toBe(200);
  });

  it("refuses a proof for another method with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/token`, { htm: "GET" });
    await expectRefused(await workerTokenRequest(realm.oidc, proof));
  });

  it("refuses a proof for another URI with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/userinfo`);
    await expectRefused(await workerTokenRequest(realm.oidc, proof));
  });

  it("refuses a proof issued more than 60 seconds ago with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const claims = { iat: now() - 61 };
    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/token`, { claims });
    await expectRefused(await workerTokenRequest(realm.oidc, proof));
  });

  it("refuses a proof issued over 10 seconds ahead with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const claims = { iat: now() + 30 };
    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/token`, { claims });
    await expectRefused(await workerTokenRequest(realm.oidc, proof));
  });

  it("refuses a proof used a second time with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/token`);

    expect((await workerTokenRequest(realm.oidc, proof)).status).toBe(200);
    await expectRefused(await workerTokenRequest(realm.oidc, proof));
  });

  it("keeps jtis apart per key: another key may use the same jti", async () => {
    const realm = await seedDpopRealm();
    const claims = { jti: "shared-jti" };
    const first = await dpopProof(await dpopKey(), `${realm.oidc}/token`, { claims });
    const second = await dpopProof(await dpopKey(), `${realm.oidc}/token`, { claims });

    expect((await workerTokenRequest(realm.oidc, first)).status).toBe(200);
    expect((await workerTokenRequest(realm.oidc, second)).status).toBe(200);
  });

  it("refuses a proof without jti, htm or iat with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    for (const missing of ["jti", "htm", "iat", "htu"]) {
      const proof = await dpopProof(key, `${realm.oidc}/token`, {
        claims: { [missing]: undefined },
      });
      await expectRefused(await workerTokenRequest(realm.oidc, proof));
    }
  });

  it("refuses a proof whose jwk carries the private key with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const privateJwk = await exportJWK(key.privateKey);

    const proof = await dpopProof(key, `${realm.oidc}/token`, { header: { jwk: privateJwk } });
    await expectRefused(await workerTokenRequest(realm.oidc, proof));
  });

  it("refuses a proof without a jwk with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/token`, {
      header: { jwk: undefined },
    });
    await expectRefused(await workerTokenRequest(realm.oidc, proof));
  });

  it("refuses an unsigned proof (alg none) with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const claims = { jti: "j", htm: "POST", htu: `${realm.oidc}/token`, iat: now() };
    const proof = rawJws({ typ: "dpop+jwt", alg: "none", jwk: key.jwk }, claims);
    await expectRefused(await workerTokenRequest(realm.oidc, proof));
  });

  it("refuses a proof with a symmetric alg (HS256) with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const claims = { jti: "j", htm: "POST", htu: `${realm.oidc}/token`, iat: now() };
    const jwk = { kty: "oct", k: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA" };
    const proof = rawJws({ typ: "dpop+jwt", alg: "HS256", jwk }, claims, "c2ln");
    await expectRefused(await workerTokenRequest(realm.oidc, proof));
  });

  it("refuses a proof whose typ is not dpop+jwt with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    for (const typ of ["JWT", "at+jwt", undefined]) {
      const proof = await dpopProof(key, `${realm.oidc}/token`, { header: { typ } });
      await expectRefused(await workerTokenRequest(realm.oidc, proof));
    }
  });

  it("refuses a proof signed by a key other than its jwk with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const other = await generateKeyPair("ES256");

    const proof = await dpopProof({ ...key, privateKey: other.privateKey }, `${realm.oidc}/token`);
    await expectRefused(await workerTokenRequest(realm.oidc, proof));
  });

  it("refuses two DPoP headers (not one JWT) with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const proofs = [
      await dpopProof(key, `${realm.oidc}/token`),
      await dpopProof(key, `${realm.oidc}/token`),
    ];
    const response = await tokenRequest(
      realm.oidc,
      { grant_type: "client_credentials" },
      {
        authorization: basicAuthorization("worker", WORKER_SECRET),
        dpop: proofs.join(", "),
      },
    );
    await expectRefused(response);
  });
});

describe("DPoP required by the client (Keycloak's dpop.bound.access.tokens)", () => {
  it("refuses a token request without a proof with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm({}, { "dpop.bound.access.tokens": "true" });
    await expectRefused(await workerTokenRequest(realm.oidc));
  });

  it("answers a DPoP-bound token when the proof is sent", async () => {
    const realm = await seedDpopRealm({}, { "dpop.bound.access.tokens": "true" });
    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/token`);

    const response = await workerTokenRequest(realm.oidc, proof);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Body).token_type).toBe("DPoP");
  });
});
