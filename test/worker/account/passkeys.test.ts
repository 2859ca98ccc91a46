import { describe, expect, it } from "vitest";
import {
  addPasskey,
  openAccount,
  passkeysOf,
  removePasskey,
  renamePasskey,
  signedInAda,
  userIdOf,
} from "../support/account-passkeys";
import { FLAGS, SoftwareAuthenticator } from "../support/authenticator";
import { Browser } from "../support/browser";
import { eventsOf, settle, storedEvent } from "../support/events";
import { newPerson, signInWithPasskey, signUpWithPasskey } from "../support/passkeys";
import { ORIGIN, seedRealm, USER_EMAIL } from "../support/realm";

/** A realm where Ada (with her password) has added one passkey. */
async function adaWithPasskey(settings: Record<string, unknown> = {}) {
  const realm = await seedRealm(settings);
  const browser = await signedInAda(realm.name);
  const authenticator = new SoftwareAuthenticator(ORIGIN);
  expect((await addPasskey(browser, realm.name, authenticator)).status).toBe(303);
  const [passkey] = await passkeysOf(await userIdOf(realm.name, USER_EMAIL));
  if (!passkey) throw new Error("no passkey stored");
  return { realm: realm.name, browser, authenticator, passkey };
}

const refusedWith = async (response: Response, status: number, message: string) => {
  expect(response.status).toBe(status);
  expect(await response.text()).toContain(message);
};

describe("the account page's passkey list", () => {
  it("lists each passkey with its name, when added, last use and sync state", async () => {
    const realm = await seedRealm();
    const synced = new SoftwareAuthenticator(ORIGIN, FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS);
    const browser = await signUpWithPasskey(realm.name, synced);

    const { html } = await openAccount(browser, realm.name);
    expect(html).toContain("<h2>Passkeys</h2>");
    expect(html).toContain("Synced");
    expect(html).toContain("Last used");
    expect(html).toContain('id="passkey-add"');
    expect(html.match(/name="csrf_token"/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it("says when there are none, in German too", async () => {
    const realm = await seedRealm();
    const browser = await signedInAda(realm.name);
    expect((await openAccount(browser, realm.name)).html).toContain("You have no passkeys yet.");
    const { html } = await openAccount(browser, realm.name, "de");
    expect(html).toContain("Sie haben noch keine Passkeys.");
    expect(html).toContain("Passkey hinzufügen");
  });
});

describe("renaming a passkey", () => {
  it("gives it the trimmed name from the form", async () => {
    const { realm, browser, passkey } = await adaWithPasskey();
    const response = await renamePasskey(browser, realm, passkey.id, "  Work laptop ");
    expect(response.status).toBe(303);
    const [renamed] = await passkeysOf(passkey.userId);
    expect(renamed?.name).toBe("Work laptop");
    expect((await openAccount(browser, realm)).html).toContain("Work laptop");
  });

  it("takes 64 characters and refuses 65, an empty name and control characters", async () => {
    const { realm, browser, passkey } = await adaWithPasskey();
    expect((await renamePasskey(browser, realm, passkey.id, "é".repeat(64))).status).toBe(303);

    const tooLong = "between 1 and 64 characters";
    await refusedWith(
      await renamePasskey(browser, realm, passkey.id, "x".repeat(65)),
      400,
      tooLong,
    );
    await refusedWith(await renamePasskey(browser, realm, passkey.id, "   "), 400, tooLong);
    const control = "cannot contain control characters";
    await refusedWith(await renamePasskey(browser, realm, passkey.id, "a\u0007b"), 400, control);
    await refusedWith(await renamePasskey(browser, realm, passkey.id, "a\nb"), 400, control);
    expect((await passkeysOf(passkey.userId))[0]?.name).toBe("é".repeat(64));
  });

  it("cannot rename another person's passkey", async () => {
    const { realm, passkey } = await adaWithPasskey();
    const grace = await signUpWithPasskey(realm, new SoftwareAuthenticator(ORIGIN));
    const response = await renamePasskey(grace, realm, passkey.id, "Mine now");
    await refusedWith(response, 404, "This passkey was not found.");
    expect((await passkeysOf(passkey.userId))[0]?.name).toBe("Passkey");
  });

  it("needs the CSRF token and a live session", async () => {
    const { realm, browser, passkey } = await adaWithPasskey();
    const url = `${ORIGIN}/realms/${realm}/account/passkeys/rename`;
    expect((await browser.post(url, { passkey_id: passkey.id, name: "x" })).status).toBe(403);

    const visitor = new Browser();
    const page = await visitor.get(`${ORIGIN}/realms/${realm}/login-actions/authenticate`);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
    const response = await visitor.post(url, {
      csrf_token: csrf,
      passkey_id: passkey.id,
      name: "x",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/realms/${realm}/login-actions/authenticate`);
    expect((await passkeysOf(passkey.userId))[0]?.name).toBe("Passkey");
  });
});

describe("removing a passkey", () => {
  it("removes it, records REMOVE_CREDENTIAL, and it signs in no more", async () => {
    const { realm, browser, authenticator, passkey } = await adaWithPasskey({
      eventsEnabled: true,
    });
    const response = await removePasskey(browser, realm, passkey.id);
    expect(response.status).toBe(303);
    expect(await passkeysOf(passkey.userId)).toEqual([]);

    const event = await storedEvent(realm, "REMOVE_CREDENTIAL");
    expect(event).toMatchObject({ userId: passkey.userId, error: null });
    expect(event.details).toEqual({
      credential_type: "webauthn-passwordless",
      credential_id: passkey.id,
      credential_user_label: "Passkey",
    });
    const signIn = await signInWithPasskey(realm, authenticator);
    expect(signIn.status).toBe(400);
    expect(await signIn.text()).toContain("This passkey is not registered here.");
  });

  it("refuses to remove the last way to sign in, in the person's language", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const grace = await signUpWithPasskey(realm.name, new SoftwareAuthenticator(ORIGIN));
    const graceId = await userIdOf(realm.name, newPerson.email);
    const [only] = await passkeysOf(graceId);

    const message = "This passkey is your only way to sign in, so it cannot be removed.";
    await refusedWith(await removePasskey(grace, realm.name, only?.id ?? ""), 400, message);
    const german = "Dieser Passkey ist Ihre einzige Möglichkeit, sich anzumelden";
    await refusedWith(await removePasskey(grace, realm.name, only?.id ?? "", "de"), 400, german);
    expect(await passkeysOf(graceId)).toHaveLength(1);
    const event = await storedEvent(realm.name, "REMOVE_CREDENTIAL_ERROR");
    expect(event).toMatchObject({ userId: graceId, error: "last_method" });
    expect(event.details).toEqual({
      credential_type: "webauthn-passwordless",
      credential_id: only?.id,
    });
  });

  it("lets a passkey-only person remove one of two passkeys, then keeps the other", async () => {
    const realm = await seedRealm();
    const grace = await signUpWithPasskey(realm.name, new SoftwareAuthenticator(ORIGIN));
    expect((await addPasskey(grace, realm.name, new SoftwareAuthenticator(ORIGIN))).status).toBe(
      303,
    );
    const graceId = await userIdOf(realm.name, newPerson.email);
    const [first, second] = await passkeysOf(graceId);

    expect((await removePasskey(grace, realm.name, first?.id ?? "")).status).toBe(303);
    expect((await removePasskey(grace, realm.name, second?.id ?? "")).status).toBe(400);
    expect((await passkeysOf(graceId)).map((p) => p.id)).toEqual([second?.id]);
  });

  it("cannot remove another person's passkey, nor one that does not exist", async () => {
    const { realm, passkey } = await adaWithPasskey({ eventsEnabled: true });
    const grace = await signUpWithPasskey(realm, new SoftwareAuthenticator(ORIGIN));
    await refusedWith(await removePasskey(grace, realm, passkey.id), 404, "was not found");
    await refusedWith(await removePasskey(grace, realm, "no-such-id"), 404, "was not found");
    expect(await passkeysOf(passkey.userId)).toHaveLength(1);
    await settle();
    expect(await eventsOf(realm, "REMOVE_CREDENTIAL")).toEqual([]);
  });

  it("needs the CSRF token", async () => {
    const { realm, browser, passkey } = await adaWithPasskey();
    const url = `${ORIGIN}/realms/${realm}/account/passkeys/remove`;
    expect((await browser.post(url, { passkey_id: passkey.id })).status).toBe(403);
    expect(await passkeysOf(passkey.userId)).toHaveLength(1);
  });
});
