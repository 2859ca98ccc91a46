import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { currentNonce } from "../../../src/oidc/dpop/nonce";
import { basicAuthorization } from "../support/clients";
import {
  type DpopKey,
  dpopKey,
  dpopProof,
  dpopUserinfo,
  seedDpopRealm,
  spaDpopTokens,
  WORKER_SECRET,
  workerTokenRequest,
} from "../support/dpop";
import { postForm, signInAndExchange } from "../support/oidc";
import { realmId } from "../support/store";

type Body = Record<string, unknown>;

/** RFC 9449 §7.1: 401 with a DPoP challenge naming the error. */
async function expectDpopChallenge(response: Response, error: string) {
  expect(response.status).toBe(401);
  const challenge = response.headers.get("www-authenticate") ?? "";
  expect(challenge).toMatch(/^DPoP realm="[^"]+", /);
  expect(challenge).toContain(`error="${error}"`);
  expect(challenge).toContain('algs="ES256 ');
  expect(((await response.json()) as Body).error).toBe(error);
}

async function boundSession(key: DpopKey) {
  const realm = await seedDpopRealm();
  const tokens = await spaDpopTokens(realm.oidc, key);
  return { realm, accessToken: tokens.access_token ?? "" };
}

const userinfoProof = (key: DpopKey, oidc: string, accessToken: string, options = {}) =>
  dpopProof(key, `${oidc}/userinfo`, { htm: "GET", accessToken, ...options });

describe("DPoP-bound access tokens at UserInfo (RFC 9449 §7)", () => {
  it("answers the claims for the DPoP scheme with a proof of the token's key", async () => {
    const key = await dpopKey();
    const { realm, accessToken } = await boundSession(key);

    const proof = await userinfoProof(key, realm.oidc, accessToken);
    const response = await dpopUserinfo(realm.oidc, accessToken, proof);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Body).preferred_username).toBe("ada");
  });

  it("refuses a DPoP-bound token presented as a bearer token with invalid_token", async () => {
    const { realm, accessToken } = await boundSession(await dpopKey());

    const response = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    await expectDpopChallenge(response, "invalid_token");
  });

  it("refuses a DPoP-bound token in the form body with invalid_token", async () => {
    const { realm, accessToken } = await boundSession(await dpopKey());

    const response = await postForm(`${realm.oidc}/userinfo`, { access_token: accessToken });
    await expectDpopChallenge(response, "invalid_token");
  });

  it("refuses the DPoP scheme without a proof with invalid_dpop_proof", async () => {
    const { realm, accessToken } = await boundSession(await dpopKey());
    await expectDpopChallenge(await dpopUserinfo(realm.oidc, accessToken), "invalid_dpop_proof");
  });

  it("refuses a proof without ath with invalid_dpop_proof", async () => {
    const key = await dpopKey();
    const { realm, accessToken } = await boundSession(key);

    const proof = await dpopProof(key, `${realm.oidc}/userinfo`, { htm: "GET" });
    await expectDpopChallenge(
      await dpopUserinfo(realm.oidc, accessToken, proof),
      "invalid_dpop_proof",
    );
  });

  it("refuses a proof whose ath is another token's with invalid_dpop_proof", async () => {
    const key = await dpopKey();
    const { realm, accessToken } = await boundSession(key);

    const proof = await userinfoProof(key, realm.oidc, `${accessToken}x`);
    await expectDpopChallenge(
      await dpopUserinfo(realm.oidc, accessToken, proof),
      "invalid_dpop_proof",
    );
  });

  it("refuses a proof made for the token endpoint with invalid_dpop_proof", async () => {
    const key = await dpopKey();
    const { realm, accessToken } = await boundSession(key);

    const proof = await dpopProof(key, `${realm.oidc}/token`, { htm: "GET", accessToken });
    await expectDpopChallenge(
      await dpopUserinfo(realm.oidc, accessToken, proof),
      "invalid_dpop_proof",
    );
  });

  it("refuses a proof of another key with invalid_dpop_proof", async () => {
    const { realm, accessToken } = await boundSession(await dpopKey());

    const proof = await userinfoProof(await dpopKey(), realm.oidc, accessToken);
    await expectDpopChallenge(
      await dpopUserinfo(realm.oidc, accessToken, proof),
      "invalid_dpop_proof",
    );
  });

  it("refuses an unbound token presented with the DPoP scheme with invalid_token", async () => {
    const realm = await seedDpopRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const key = await dpopKey();
    const token = tokens.access_token ?? "";

    const proof = await userinfoProof(key, realm.oidc, token);
    await expectDpopChallenge(await dpopUserinfo(realm.oidc, token, proof), "invalid_token");
  });
});

describe("DPoP server nonces (RFC 9449 §8, §9)", () => {
  const nonceRealm = () => seedDpopRealm({ dpopNonceRequired: true });

  it("asks for a nonce with use_dpop_nonce and accepts the retry carrying it", async () => {
    const realm = await nonceRealm();
    const key = await dpopKey();

    const first = await workerTokenRequest(realm.oidc, await dpopProof(key, `${realm.oidc}/token`));
    expect(first.status).toBe(400);
    expect(((await first.json()) as Body).error).toBe("use_dpop_nonce");
    const nonce = first.headers.get("dpop-nonce") ?? "";
    expect(nonce).not.toBe("");

    const proof = await dpopProof(key, `${realm.oidc}/token`, { nonce });
    const second = await workerTokenRequest(realm.oidc, proof);
    expect(second.status).toBe(200);
    expect(second.headers.get("dpop-nonce")).toEqual(expect.any(String));
  });

  it("refuses a nonce from two periods ago with use_dpop_nonce", async () => {
    const realm = await nonceRealm();
    const now = Math.floor(Date.now() / 1000);
    const stale = await currentNonce(
      env.KEY_ENCRYPTION_SECRET,
      await realmId(realm.name),
      now - 600,
    );

    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/token`, { nonce: stale });
    const response = await workerTokenRequest(realm.oidc, proof);
    expect(response.status).toBe(400);
    expect(((await response.json()) as Body).error).toBe("use_dpop_nonce");
  });

  it("accepts a nonce from the previous period", async () => {
    const realm = await nonceRealm();
    const now = Math.floor(Date.now() / 1000);
    const previous = await currentNonce(
      env.KEY_ENCRYPTION_SECRET,
      await realmId(realm.name),
      now - 300,
    );

    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/token`, { nonce: previous });
    expect((await workerTokenRequest(realm.oidc, proof)).status).toBe(200);
  });

  it("refuses another realm's nonce with use_dpop_nonce", async () => {
    const realm = await nonceRealm();
    const other = await nonceRealm();
    const first = await workerTokenRequest(other.oidc, await dpopProof(await dpopKey(), "x"));
    const foreign = first.headers.get("dpop-nonce") ?? "";

    const proof = await dpopProof(await dpopKey(), `${realm.oidc}/token`, { nonce: foreign });
    const response = await workerTokenRequest(realm.oidc, proof);
    expect(((await response.json()) as Body).error).toBe("use_dpop_nonce");
  });

  it("asks for a nonce at UserInfo with 401 and a DPoP challenge", async () => {
    const realm = await nonceRealm();
    const key = await dpopKey();
    const issued = await workerTokenRequest(realm.oidc, "");
    const nonce = issued.headers.get("dpop-nonce") ?? "";
    const tokens = (await (
      await workerTokenRequest(realm.oidc, await dpopProof(key, `${realm.oidc}/token`, { nonce }))
    ).json()) as Body;
    expect(tokens.token_type).toBe("DPoP");

    // client_credentials tokens have no session, so only the nonce rule can answer here.
    const token = String(tokens.access_token);
    const proof = await userinfoProof(key, realm.oidc, token);
    const response = await dpopUserinfo(realm.oidc, token, proof);
    await expectDpopChallenge(response, "use_dpop_nonce");
    expect(response.headers.get("dpop-nonce")).toEqual(expect.any(String));
  });
});

describe("introspection of DPoP-bound tokens (RFC 9449 §6.2)", () => {
  it("answers cnf and token_type DPoP for a bound access token", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const issued = await workerTokenRequest(
      realm.oidc,
      await dpopProof(key, `${realm.oidc}/token`),
    );
    const token = String(((await issued.json()) as Body).access_token);

    const response = await postForm(
      `${realm.oidc}/token/introspect`,
      { token },
      { authorization: basicAuthorization("worker", WORKER_SECRET) },
    );
    expect(await response.json()).toMatchObject({
      active: true,
      token_type: "DPoP",
      cnf: { jkt: key.jkt },
    });
  });
});
