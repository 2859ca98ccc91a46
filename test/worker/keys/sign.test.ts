import { env } from "cloudflare:test";
import { decodeProtectedHeader, type JWTPayload, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { realms } from "../../../src/db/schema";
import { type RealmKeys, realmKeys } from "../../../src/keys/realm-keys";
import { signJwt, verifyJwt } from "../../../src/keys/sign";

const testEnv = env as unknown as Env;

const issuer = "https://id.example/realms/demo";
const issuedAt = 1_800_000_000;
const payload: JWTPayload = {
  iss: issuer,
  sub: "user-1",
  aud: "app",
  iat: issuedAt,
  exp: issuedAt + 300,
};
const during = new Date((issuedAt + 60) * 1000);

async function keysOfNewRealm(): Promise<RealmKeys> {
  const id = crypto.randomUUID();
  await database(testEnv.DB)
    .insert(realms)
    .values({ id, name: `realm-${id}`, createdAt: 0 });
  return realmKeys(testEnv, id);
}

let keys: RealmKeys;
let otherKeys: RealmKeys;

beforeAll(async () => {
  keys = await keysOfNewRealm();
  otherKeys = await keysOfNewRealm();
});

describe("signing JWTs with the realm's keys", () => {
  it.each(["ES256", "RS256"] as const)("signs with %s and verifies the result", async (alg) => {
    const token = await signJwt(keys, payload, { typ: "at+jwt", alg });

    expect(decodeProtectedHeader(token)).toEqual({
      alg,
      kid: keys.signing[alg].kid,
      typ: "at+jwt",
    });
    expect(await verifyJwt(keys, token, { issuer, typ: "at+jwt", currentDate: during })).toEqual(
      payload,
    );
  });

  it("signs with ES256 unless told otherwise", async () => {
    const token = await signJwt(keys, payload, { typ: "JWT" });

    expect(decodeProtectedHeader(token).alg).toBe("ES256");
  });
});

describe("verifying JWTs against the realm's JWKS", () => {
  it("checks the audience when asked", async () => {
    const token = await signJwt(keys, payload, { typ: "JWT" });

    await expect(
      verifyJwt(keys, token, { issuer, audience: "app", currentDate: during }),
    ).resolves.toEqual(payload);
    await expect(
      verifyJwt(keys, token, { issuer, audience: "other-app", currentDate: during }),
    ).rejects.toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "aud" });
  });

  it("rejects a token from another issuer", async () => {
    const token = await signJwt(keys, payload, { typ: "JWT" });

    await expect(
      verifyJwt(keys, token, { issuer: "https://id.example/realms/other", currentDate: during }),
    ).rejects.toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "iss" });
  });

  it("rejects a token of another type", async () => {
    const token = await signJwt(keys, payload, { typ: "logout+jwt" });

    await expect(
      verifyJwt(keys, token, { issuer, typ: "at+jwt", currentDate: during }),
    ).rejects.toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "typ" });
  });

  it("rejects an expired token, and honours the clock tolerance", async () => {
    const token = await signJwt(keys, payload, { typ: "JWT" });
    const after = new Date((issuedAt + 310) * 1000);

    await expect(verifyJwt(keys, token, { issuer, currentDate: after })).rejects.toMatchObject({
      code: "ERR_JWT_EXPIRED",
    });
    await expect(
      verifyJwt(keys, token, { issuer, currentDate: after, clockTolerance: 30 }),
    ).resolves.toEqual(payload);
  });

  it("rejects a token signed by another realm's key", async () => {
    const token = await signJwt(otherKeys, payload, { typ: "JWT" });

    await expect(verifyJwt(keys, token, { issuer, currentDate: during })).rejects.toMatchObject({
      code: "ERR_JWKS_NO_MATCHING_KEY",
    });
  });

  it("rejects another realm's signature under this realm's kid", async () => {
    const kid = keys.signing.ES256.kid;
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
      .sign(otherKeys.signing.ES256.privateKey);

    await expect(verifyJwt(keys, token, { issuer, currentDate: during })).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
  });

  it("rejects an unsecured token (alg none)", async () => {
    const token = new UnsecuredJWT(payload).encode();

    await expect(verifyJwt(keys, token, { issuer, currentDate: during })).rejects.toMatchObject({
      code: "ERR_JOSE_ALG_NOT_ALLOWED",
    });
  });

  it("rejects an algorithm other than ES256 and RS256", async () => {
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: "HS256", kid: keys.signing.ES256.kid, typ: "JWT" })
      .sign(new Uint8Array(32));

    await expect(verifyJwt(keys, token, { issuer, currentDate: during })).rejects.toMatchObject({
      code: "ERR_JOSE_ALG_NOT_ALLOWED",
    });
  });
});
