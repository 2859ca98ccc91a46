import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { FLAGS, SoftwareAuthenticator } from "../support/authenticator";
import { eventsOf, settle, storedEvent } from "../support/events";
import { authorizeUrl, redirectParams, spaRequest, tokenRequest } from "../support/oidc";
import {
  expireChallenges,
  signInWithPasskey,
  signUpWithPasskey,
  startSignIn,
  storedPasskeys,
} from "../support/passkeys";
import { ORIGIN, SPA_REDIRECT, seedRealm } from "../support/realm";

const refusedWith = async (response: Response, message: string) => {
  expect(response.status).toBe(400);
  expect(await response.text()).toContain(message);
};

/** A realm with one person who signed up with the returned authenticator's passkey. */
async function realmWithPasskey(settings: Record<string, unknown> = {}) {
  const realm = await seedRealm({ eventsEnabled: true, ...settings });
  const authenticator = new SoftwareAuthenticator(ORIGIN);
  await signUpWithPasskey(realm.name, authenticator);
  return { realm, authenticator };
}

describe("passkey sign-in (WebAuthn Level 3 §7.2)", () => {
  it("signs in without a username and the app gets tokens with amr hwk and user", async () => {
    const { realm, authenticator } = await realmWithPasskey();
    const { params, verifier } = await spaRequest();
    const ceremony = await startSignIn(realm.name, authorizeUrl(realm.oidc, params));
    const response = await ceremony.submit(await authenticator.get(ceremony.options));

    const code = redirectParams(response).get("code") ?? "";
    const tokens = (await (
      await tokenRequest(realm.oidc, {
        grant_type: "authorization_code",
        client_id: "spa",
        code,
        redirect_uri: SPA_REDIRECT,
        code_verifier: verifier,
      })
    ).json()) as { id_token: string };
    expect(decodeJwt(tokens.id_token).amr).toEqual(["hwk", "user"]);

    const event = await storedEvent(realm.name, "LOGIN");
    expect(event.details).toMatchObject({ auth_method: "passkey", username: "grace@example.com" });
    const [passkey] = await storedPasskeys(realm.name);
    expect(passkey?.lastUsedAt).toBeGreaterThan(0);
  });

  it("refuses a passkey this realm does not know", async () => {
    const { realm } = await realmWithPasskey();
    const stranger = new SoftwareAuthenticator(ORIGIN);
    await stranger.create({ challenge: "AAAA", user: { id: "AAAA" } });
    await refusedWith(await signInWithPasskey(realm.name, stranger), "not registered here");
    const event = await storedEvent(realm.name, "LOGIN_ERROR");
    expect(event.error).toBe("passkey_not_found");
  });

  it("refuses a bad signature, another origin, another RP ID and a missing UV flag", async () => {
    const { realm, authenticator } = await realmWithPasskey();
    const tampering = [
      { badSignature: true },
      { origin: "https://evil.example" },
      { rpId: "evil.example" },
      { flags: FLAGS.UP },
      { userHandle: "c29tZW9uZS1lbHNl" },
    ];
    for (const tamper of tampering) {
      await refusedWith(await signInWithPasskey(realm.name, authenticator, tamper), "verified");
    }
    expect((await storedPasskeys(realm.name))[0]?.counter).toBe(0);
  });

  it("accepts a missing UV flag when the realm discourages verification", async () => {
    const policy = { webAuthnPolicyPasswordlessUserVerificationRequirement: "discouraged" };
    const { realm, authenticator } = await realmWithPasskey(policy);
    const response = await signInWithPasskey(realm.name, authenticator, { flags: FLAGS.UP });
    expect(response.status).toBe(303);
  });

  it("refuses malformed JSON", async () => {
    const { realm } = await realmWithPasskey();
    const ceremony = await startSignIn(realm.name);
    await refusedWith(await ceremony.submit('{"id": 1}'), "could not be read");
  });

  it("refuses a replayed assertion and an expired challenge", async () => {
    const { realm, authenticator } = await realmWithPasskey();
    const ceremony = await startSignIn(realm.name);
    const assertion = await authenticator.get(ceremony.options);
    expect((await ceremony.submit(assertion)).status).toBe(303);
    await refusedWith(await ceremony.submit(assertion), "expired or was already used");

    const late = await startSignIn(realm.name);
    await expireChallenges(realm.name);
    const answer = await authenticator.get(late.options);
    await refusedWith(await late.submit(answer), "expired or was already used");
  });

  it("refuses a counter that goes backwards and records it", async () => {
    const { realm, authenticator } = await realmWithPasskey();
    expect((await signInWithPasskey(realm.name, authenticator, { counter: 10 })).status).toBe(303);
    expect((await storedPasskeys(realm.name))[0]?.counter).toBe(10);

    const cloned = await signInWithPasskey(realm.name, authenticator, { counter: 5 });
    await refusedWith(cloned, "looks copied");
    expect((await storedPasskeys(realm.name))[0]?.counter).toBe(10);
    await settle();
    const errors = await eventsOf(realm.name, "LOGIN_ERROR");
    expect(errors.map((e) => e.error)).toEqual(["passkey_counter_regressed"]);
  });

  it("counts failures toward the account's brute-force guard", async () => {
    const { realm, authenticator } = await realmWithPasskey({ failureFactor: 2 });
    for (let i = 0; i < 2; i += 1) {
      const bad = await signInWithPasskey(realm.name, authenticator, { badSignature: true });
      await refusedWith(bad, "verified");
    }
    await refusedWith(await signInWithPasskey(realm.name, authenticator), "verified");
    await settle();
    const errors = await eventsOf(realm.name, "LOGIN_ERROR");
    expect(errors.at(-1)?.error).toBe("user_temporarily_disabled");
    const lockouts = await eventsOf(realm.name, "USER_DISABLED_BY_TEMPORARY_LOCKOUT");
    expect(lockouts).toHaveLength(1);
  });
});
