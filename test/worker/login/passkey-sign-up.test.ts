import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { realms, sessions, users } from "../../../src/db/schema";
import { clearRealmCache } from "../../../src/http/realm-context";
import { FLAGS, SoftwareAuthenticator } from "../support/authenticator";
import { eventsOf, settle, storedEvent } from "../support/events";
import {
  db,
  expireChallenges,
  newPerson,
  signUpWithPasskey,
  startSignUp,
  storedPasskeys,
} from "../support/passkeys";
import { ORIGIN, seedRealm } from "../support/realm";
import { realmId } from "../support/store";

const refusedWith = async (response: Response, message: string) => {
  expect(response.status).toBe(400);
  expect(await response.text()).toContain(message);
};

async function expectNothingStored(realm: string) {
  expect(await storedPasskeys(realm)).toEqual([]);
  const grace = await db
    .select()
    .from(users)
    .where(and(eq(users.email, newPerson.email), eq(users.realmId, await realmId(realm))));
  expect(grace).toEqual([]);
}

describe("passkey sign-up (WebAuthn Level 3 §7.1)", () => {
  it("creates the account with its passkey and a random user handle, and signs in", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const browser = await signUpWithPasskey(realm.name, new SoftwareAuthenticator(ORIGIN));

    const [passkey] = await storedPasskeys(realm.name);
    const [user] = await db
      .select()
      .from(users)
      .where(eq(users.id, passkey?.userId ?? ""));
    expect(user?.email).toBe(newPerson.email);
    expect(passkey?.userHandle).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(passkey?.userHandle).not.toContain(user?.id);
    expect(passkey).toMatchObject({ backupEligible: false, counter: 0, transports: ["internal"] });

    const [session] = await db
      .select()
      .from(sessions)
      .where(eq(sessions.userId, user?.id ?? ""));
    expect(session?.amr).toEqual(["hwk", "user"]);
    expect(browser.cookies.size).toBeGreaterThan(0);
    const event = await storedEvent(realm.name, "REGISTER");
    expect(event.details).toMatchObject({ auth_method: "passkey" });
  });

  it("says swk for a backup-eligible (synced) passkey", async () => {
    const realm = await seedRealm();
    const synced = new SoftwareAuthenticator(ORIGIN, FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS);
    await signUpWithPasskey(realm.name, synced);
    const [passkey] = await storedPasskeys(realm.name);
    const [session] = await db
      .select()
      .from(sessions)
      .where(eq(sessions.userId, passkey?.userId ?? ""));
    expect(session?.amr).toEqual(["swk", "user"]);
  });

  it("refuses invalid details and a taken email before the ceremony", async () => {
    const realm = await seedRealm();
    const ceremony = await startSignUp(realm.name);
    const bad = await ceremony.browser.post(
      `${ORIGIN}/realms/${realm.name}/login-actions/passkey/registration-options`,
      { csrf_token: ceremony.csrf, ...newPerson, email: "not an email" },
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "invalid_request", field: "email" });

    const taken = await ceremony.browser.post(
      `${ORIGIN}/realms/${realm.name}/login-actions/passkey/registration-options`,
      { csrf_token: ceremony.csrf, ...newPerson, email: "ada@example.com" },
    );
    expect(await taken.json()).toMatchObject({
      error_description: "An account with this email already exists.",
    });
  });

  it("refuses malformed JSON, storing nothing", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const ceremony = await startSignUp(realm.name);
    await refusedWith(await ceremony.submit("{not json"), "could not be read");
    await expectNothingStored(realm.name);
    const event = await storedEvent(realm.name, "REGISTER_ERROR");
    expect(event.error).toBe("invalid_passkey_response");
  });

  it("refuses a response from another origin or for another RP ID", async () => {
    const realm = await seedRealm();
    for (const tamper of [{ origin: "https://evil.example" }, { rpId: "evil.example" }]) {
      const ceremony = await startSignUp(realm.name);
      const credential = await new SoftwareAuthenticator(ORIGIN).create(ceremony.options, tamper);
      await refusedWith(await ceremony.submit(credential), "could not be verified");
    }
    await expectNothingStored(realm.name);
  });

  it("spends the challenge on the first answer, so it cannot be replayed", async () => {
    const realm = await seedRealm();
    const ceremony = await startSignUp(realm.name);
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    const wrong = await authenticator.create(ceremony.options, { origin: "https://evil.example" });
    await refusedWith(await ceremony.submit(wrong), "could not be verified");
    const right = await authenticator.create(ceremony.options);
    await refusedWith(await ceremony.submit(right), "expired or was already used");
    await expectNothingStored(realm.name);
  });

  it("refuses an expired challenge", async () => {
    const realm = await seedRealm();
    const ceremony = await startSignUp(realm.name);
    await expireChallenges(realm.name);
    const credential = await new SoftwareAuthenticator(ORIGIN).create(ceremony.options);
    await refusedWith(await ceremony.submit(credential), "expired or was already used");
    await expectNothingStored(realm.name);
  });

  it("refuses a passkey without user verification when the realm requires it", async () => {
    const realm = await seedRealm();
    const ceremony = await startSignUp(realm.name);
    const unverified = new SoftwareAuthenticator(ORIGIN, FLAGS.UP);
    await refusedWith(await ceremony.submit(await unverified.create(ceremony.options)), "verified");
    await expectNothingStored(realm.name);
  });

  it("accepts one without user verification when the realm only prefers it", async () => {
    const policy = { webAuthnPolicyPasswordlessUserVerificationRequirement: "preferred" };
    const realm = await seedRealm(policy);
    await signUpWithPasskey(realm.name, new SoftwareAuthenticator(ORIGIN, FLAGS.UP));
    expect(await storedPasskeys(realm.name)).toHaveLength(1);
  });

  it("refuses a credential id that is already registered", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    await signUpWithPasskey(realm.name, authenticator);

    const other = { ...newPerson, email: "other@example.com" };
    const ceremony = await startSignUp(realm.name, other);
    const again = await authenticator.create(ceremony.options);
    await refusedWith(await ceremony.submit(again), "already registered");
    expect(await storedPasskeys(realm.name)).toHaveLength(1);
    await settle();
    const errors = await eventsOf(realm.name, "REGISTER_ERROR");
    expect(errors.map((e) => e.error)).toEqual(["passkey_already_registered"]);
  });

  it("explains a refusal in the person's language", async () => {
    const realm = await seedRealm();
    const ceremony = await startSignUp(realm.name);
    ceremony.browser.cookies.set("latchkey_locale", "de");
    await refusedWith(await ceremony.submit("[]"), "konnte nicht gelesen werden");
  });

  it("is closed where the realm does not allow sign-up", async () => {
    const realm = await seedRealm();
    const ceremony = await startSignUp(realm.name);
    await db.update(realms).set({ registrationAllowed: false }).where(eq(realms.name, realm.name));
    clearRealmCache();

    const options = await ceremony.browser.post(
      `${ORIGIN}/realms/${realm.name}/login-actions/passkey/registration-options`,
      { csrf_token: ceremony.csrf, ...newPerson },
    );
    expect(options.status).toBe(403);
    const credential = await new SoftwareAuthenticator(ORIGIN).create(ceremony.options);
    expect((await ceremony.submit(credential)).status).toBe(403);
    await expectNothingStored(realm.name);
  });
});
