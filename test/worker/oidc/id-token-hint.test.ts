import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { authorize, callbackParams } from "../support/authorization";
import { signInAndExchange, spaRequest } from "../support/oidc";
import { expectLoginPage } from "../support/pages";
import { SPA_REDIRECT, seedRealm } from "../support/realm";
import { signAsRealm } from "../support/store";

/** A signed-in browser and the ID token its sign-in produced. */
async function signedInWithIdToken(oidc: string) {
  const { browser, tokens } = await signInAndExchange(oidc);
  return { browser, idToken: tokens.id_token ?? "" };
}

/** An ID token for someone else, signed by the realm, issued an hour ago and long expired. */
async function someoneElsesHint(realm: { name: string; issuer: string }) {
  const iat = Math.floor(Date.now() / 1000) - 3600;
  return signAsRealm(
    realm.name,
    { iss: realm.issuer, sub: "someone-else", aud: "spa", iat, exp: iat + 300, typ: "ID" },
    { typ: "JWT", alg: "RS256" },
  );
}

describe("id_token_hint at the authorization endpoint (OpenID Connect Core §3.1.2.1)", () => {
  it("issues a code with prompt=none when the hint names the signed-in person", async () => {
    const realm = await seedRealm();
    const { browser, idToken } = await signedInWithIdToken(realm.oidc);
    const { params } = await spaRequest({ prompt: "none", id_token_hint: idToken });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("code")).toBeTruthy();
  });

  it("answers login_required with prompt=none when the hint names someone else", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInWithIdToken(realm.oidc);
    const hint = await someoneElsesHint(realm);
    const { params } = await spaRequest({ prompt: "none", id_token_hint: hint });

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);
    expect(callback.get("error")).toBe("login_required");
    expect(callback.has("code")).toBe(false);
  });

  it("asks for a fresh sign-in when the hint names someone else", async () => {
    const realm = await seedRealm();
    const { browser } = await signedInWithIdToken(realm.oidc);
    const { params } = await spaRequest({ id_token_hint: await someoneElsesHint(realm) });

    await expectLoginPage(await authorize(realm.oidc, params, browser));
  });

  it.each([
    ["garbage", async () => "not-a-jwt"],
    [
      "an access token",
      async (oidc: string) => (await signInAndExchange(oidc)).tokens.access_token,
    ],
  ])("refuses %s as id_token_hint with invalid_request", async (_, make) => {
    const realm = await seedRealm();
    const hint = (await make(realm.oidc)) ?? "";
    expect(hint === "not-a-jwt" || decodeJwt(hint).typ === "Bearer").toBe(true);
    const { params } = await spaRequest({ id_token_hint: hint });

    const callback = callbackParams(await authorize(realm.oidc, params), SPA_REDIRECT);
    expect(callback.get("error")).toBe("invalid_request");
    expect(callback.get("iss")).toBe(realm.issuer);
  });
});
