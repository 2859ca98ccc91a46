import { describe, expect, it } from "vitest";
import {
  assertionClaims,
  assertionFields,
  HMAC_SECRET,
  seedAssertionRealm,
  signAssertion,
  signerKeys,
  strangerKeys,
} from "../support/assertions";
import { basicAuthorization } from "../support/clients";
import { postForm, tokenRequest } from "../support/oidc";

const grant = { grant_type: "client_credentials" };

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

/** Sends a client_credentials request authenticated by `assertion`. */
function assertedRequest(oidc: string, assertion: string, clientId?: string) {
  return tokenRequest(oidc, { ...grant, ...assertionFields(assertion, clientId) });
}

describe("private_key_jwt client authentication (RFC 7523 §2.2, §3)", () => {
  it("issues tokens for an assertion signed with the client's registered key", async () => {
    const realm = await seedAssertionRealm();
    const assertion = await signAssertion(assertionClaims("signer", `${realm.oidc}/token`));

    const response = await assertedRequest(realm.oidc, assertion, "signer");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: "Bearer" });
  });

  it("finds the client by the assertion's sub when client_id is left out", async () => {
    const realm = await seedAssertionRealm();
    const assertion = await signAssertion(assertionClaims("signer", realm.issuer));

    expect((await assertedRequest(realm.oidc, assertion)).status).toBe(200);
  });

  it("accepts an audience list that contains the token endpoint", async () => {
    const realm = await seedAssertionRealm();
    const aud = ["https://elsewhere.example", `${realm.oidc}/token`];
    const assertion = await signAssertion(assertionClaims("signer", "", { aud }));

    expect((await assertedRequest(realm.oidc, assertion)).status).toBe(200);
  });

  it("refuses an assertion for another audience with invalid_client", async () => {
    const realm = await seedAssertionRealm();
    const claims = assertionClaims("signer", "https://other.example/realms/x");

    const response = await assertedRequest(realm.oidc, await signAssertion(claims));
    await expectError(response, 401, "invalid_client");
  });

  it("refuses a replayed jti with invalid_client", async () => {
    const realm = await seedAssertionRealm();
    const assertion = await signAssertion(assertionClaims("signer", realm.issuer));

    expect((await assertedRequest(realm.oidc, assertion)).status).toBe(200);
    await expectError(await assertedRequest(realm.oidc, assertion), 401, "invalid_client");
  });

  it("lets two clients use the same jti, since each is unique only per client", async () => {
    const realm = await seedAssertionRealm();
    const jti = crypto.randomUUID();
    const signer = await signAssertion(assertionClaims("signer", realm.issuer, { jti }));
    const hmac = await signAssertion(assertionClaims("hmac", realm.issuer, { jti }), HMAC_SECRET);

    expect((await assertedRequest(realm.oidc, signer)).status).toBe(200);
    expect((await assertedRequest(realm.oidc, hmac)).status).toBe(200);
  });

  it("refuses an expired assertion with invalid_client", async () => {
    const realm = await seedAssertionRealm();
    const now = Math.floor(Date.now() / 1000);
    const claims = assertionClaims("signer", realm.issuer, { iat: now - 600, exp: now - 120 });

    const response = await assertedRequest(realm.oidc, await signAssertion(claims));
    await expectError(response, 401, "invalid_client");
  });

  it("refuses an assertion valid for more than ten minutes with invalid_client", async () => {
    const realm = await seedAssertionRealm();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const claims = assertionClaims("signer", realm.issuer, { exp });

    const response = await assertedRequest(realm.oidc, await signAssertion(claims));
    await expectError(response, 401, "invalid_client");
  });

  it.each(["exp", "jti"])("refuses an assertion without %s with invalid_client", async (claim) => {
    const realm = await seedAssertionRealm();
    const claims: Record<string, unknown> = assertionClaims("signer", realm.issuer);
    delete claims[claim];

    const response = await assertedRequest(realm.oidc, await signAssertion(claims));
    await expectError(response, 401, "invalid_client");
  });

  it("refuses an assertion whose iss is another client with invalid_client", async () => {
    const realm = await seedAssertionRealm();
    const claims = assertionClaims("signer", realm.issuer, { iss: "hmac" });

    const response = await assertedRequest(realm.oidc, await signAssertion(claims));
    await expectError(response, 401, "invalid_client");
  });

  it("refuses an assertion signed by a key the client did not register", async () => {
    const realm = await seedAssertionRealm();
    const claims = assertionClaims("signer", realm.issuer);

    const assertion = await signAssertion(claims, strangerKeys.privateKey);
    await expectError(await assertedRequest(realm.oidc, assertion), 401, "invalid_client");
  });

  it("refuses an HMAC-signed assertion for a private_key_jwt client", async () => {
    const realm = await seedAssertionRealm();
    // The registered public key as an HMAC secret is the classic algorithm confusion.
    const publicJwk = JSON.stringify(await crypto.subtle.exportKey("jwk", signerKeys.publicKey));
    const claims = assertionClaims("signer", realm.issuer);

    const assertion = await signAssertion(claims, publicJwk, "HS256");
    await expectError(await assertedRequest(realm.oidc, assertion), 401, "invalid_client");
  });

  it("refuses an unsigned assertion (alg none) with invalid_client", async () => {
    const realm = await seedAssertionRealm();
    const claims = assertionClaims("signer", realm.issuer);
    const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "");
    const unsigned = `${encode({ alg: "none" })}.${encode(claims)}.`;

    await expectError(await assertedRequest(realm.oidc, unsigned), 401, "invalid_client");
  });

  it("refuses the client's secret over Basic, since it registered private_key_jwt", async () => {
    const realm = await seedAssertionRealm();

    const response = await tokenRequest(realm.oidc, grant, {
      authorization: basicAuthorization("signer", "a secret signer must not use"),
    });
    await expectError(response, 401, "invalid_client");
  });

  it("refuses an assertion together with Basic credentials with invalid_request", async () => {
    const realm = await seedAssertionRealm();
    const assertion = await signAssertion(assertionClaims("signer", realm.issuer));

    const response = await tokenRequest(
      realm.oidc,
      { ...grant, ...assertionFields(assertion) },
      { authorization: basicAuthorization("signer", "a secret signer must not use") },
    );
    await expectError(response, 400, "invalid_request");
  });

  it("refuses an unknown client_assertion_type with invalid_client", async () => {
    const realm = await seedAssertionRealm();
    const assertion = await signAssertion(assertionClaims("signer", realm.issuer));

    const response = await tokenRequest(realm.oidc, {
      ...grant,
      client_assertion_type: "urn:example:saml",
      client_assertion: assertion,
    });
    await expectError(response, 401, "invalid_client");
  });

  it("accepts an assertion for the introspection endpoint addressed to it", async () => {
    const realm = await seedAssertionRealm();
    const endpoint = `${realm.oidc}/token/introspect`;
    const assertion = await signAssertion(assertionClaims("signer", endpoint));

    const response = await postForm(endpoint, { token: "x", ...assertionFields(assertion) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ active: false });
  });
});

describe("client_secret_jwt client authentication (OpenID Connect Core §9)", () => {
  it("issues tokens for an assertion signed with HS256 and the client secret", async () => {
    const realm = await seedAssertionRealm();
    const assertion = await signAssertion(assertionClaims("hmac", realm.issuer), HMAC_SECRET);

    expect((await assertedRequest(realm.oidc, assertion, "hmac")).status).toBe(200);
  });

  it("accepts HS512 too", async () => {
    const realm = await seedAssertionRealm();
    const claims = assertionClaims("hmac", realm.issuer);

    const assertion = await signAssertion(claims, HMAC_SECRET, "HS512");
    expect((await assertedRequest(realm.oidc, assertion)).status).toBe(200);
  });

  it("refuses an assertion signed with another secret with invalid_client", async () => {
    const realm = await seedAssertionRealm();
    const claims = assertionClaims("hmac", realm.issuer);

    const assertion = await signAssertion(claims, `${HMAC_SECRET}-not`);
    await expectError(await assertedRequest(realm.oidc, assertion), 401, "invalid_client");
  });

  it("refuses an assertion signed with a private key, since it registered a secret", async () => {
    const realm = await seedAssertionRealm();
    const assertion = await signAssertion(assertionClaims("hmac", realm.issuer));

    await expectError(await assertedRequest(realm.oidc, assertion), 401, "invalid_client");
  });

  it("refuses the client secret over Basic, since it registered client_secret_jwt", async () => {
    const realm = await seedAssertionRealm();

    const response = await tokenRequest(realm.oidc, grant, {
      authorization: basicAuthorization("hmac", HMAC_SECRET),
    });
    await expectError(response, 401, "invalid_client");
  });

  it("refuses an assertion from a client registered for client secrets", async () => {
    const realm = await seedAssertionRealm();
    const claims = assertionClaims("backend", realm.issuer);

    const assertion = await signAssertion(claims, "backend secret+with%odd:chars");
    await expectError(await assertedRequest(realm.oidc, assertion), 401, "invalid_client");
  });
});
