import { describe, expect, it } from "vitest";
import {
  addPasskey,
  addPasskeyOptions,
  ageSignIns,
  openAccount,
  passkeysOf,
  postNewPasskey,
  signedInAda,
  userIdOf,
} from "../support/account-passkeys";
import { SoftwareAuthenticator } from "../support/authenticator";
import { Browser } from "../support/browser";
import { eventsOf, settle, storedEvent } from "../support/events";
import { signInWithPasskey, signUpWithPasskey } from "../support/passkeys";
import { ORIGIN, seedRealm, USER_EMAIL } from "../support/realm";

const refusedWith = async (response: Response, message: string) => {
  expect(response.status).toBe(400);
  expect(await response.text()).toContain(message);
};

describe("adding a passkey from the account page", () => {
  it("stores a signed-in person's new passkey, which then signs them in", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const browser = await signedInAda(realm.name);
    const authenticator = new SoftwareAuthenticator(ORIGIN);

    const response = await addPasskey(browser, realm.name, authenticator);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/realms/${realm.name}/account`);

    const adaId = await userIdOf(realm.name, USER_EMAIL);
    const [passkey] = await passkeysOf(adaId);
    expect(passkey).toMatchObject({ credentialId: authenticator.id, name: "Passkey" });
    expect(passkey?.userHandle).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(passkey?.userHandle).toBe(authenticator.userHandle);
    const event = await storedEvent(realm.name, "UPDATE_CREDENTIAL");
    expect(event).toMatchObject({ userId: adaId, error: null });
    expect(event.details).toEqual({
      credential_type: "webauthn-passwordless",
      credential_id: passkey?.id,
      credential_user_label: "Passkey",
    });

    const { html } = await openAccount(browser, realm.name);
    expect(html).toContain("Passkey");
    expect(html).toContain("This device only");
    expect((await signInWithPasskey(realm.name, authenticator)).status).toBe(303);
  });

  it("gives a second passkey the person's user handle and excludes the first", async () => {
    const realm = await seedRealm();
    const browser = await signedInAda(realm.name);
    const first = new SoftwareAuthenticator(ORIGIN);
    expect((await addPasskey(browser, realm.name, first)).status).toBe(303);

    const { csrf } = await openAccount(browser, realm.name);
    const options = (await (await addPasskeyOptions(browser, realm.name, csrf)).json()) as {
      user: { id: string };
      excludeCredentials: { id: string }[];
      challenge: string;
    };
    expect(options.user.id).toBe(first.userHandle);
    expect(options.excludeCredentials.map((c) => c.id)).toEqual([first.id]);

    const second = new SoftwareAuthenticator(ORIGIN);
    const response = await postNewPasskey(browser, realm.name, csrf, await second.create(options));
    expect(response.status).toBe(303);
    const stored = await passkeysOf(await userIdOf(realm.name, USER_EMAIL));
    expect(stored.map((p) => p.userHandle)).toEqual([first.userHandle, first.userHandle]);
  });

  it("refuses a credential id that is already registered, and stores nothing", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    await signUpWithPasskey(realm.name, authenticator);

    const browser = await signedInAda(realm.name);
    await refusedWith(
      await addPasskey(browser, realm.name, authenticator),
      "This passkey is already registered.",
    );
    expect(await passkeysOf(await userIdOf(realm.name, USER_EMAIL))).toEqual([]);
    const event = await storedEvent(realm.name, "UPDATE_CREDENTIAL_ERROR");
    expect(event.error).toBe("passkey_already_registered");
  });

  it("refuses a malformed credential and a replayed challenge, storing nothing", async () => {
    const realm = await seedRealm();
    const browser = await signedInAda(realm.name);
    const { csrf } = await openAccount(browser, realm.name);
    const options = await (await addPasskeyOptions(browser, realm.name, csrf)).json();

    await refusedWith(
      await postNewPasskey(browser, realm.name, csrf, "{not json"),
      "could not be read",
    );
    // The malformed answer used the challenge up: a good one after it is refused too.
    const credential = await new SoftwareAuthenticator(ORIGIN).create(options as never);
    await refusedWith(
      await postNewPasskey(browser, realm.name, csrf, credential),
      "expired or was already used",
    );
    expect(await passkeysOf(await userIdOf(realm.name, USER_EMAIL))).toEqual([]);
  });

  it("binds the challenge to the session: another person's browser cannot answer it", async () => {
    const realm = await seedRealm();
    const ada = await signedInAda(realm.name);
    const { csrf } = await openAccount(ada, realm.name);
    const options = await (await addPasskeyOptions(ada, realm.name, csrf)).json();
    const credential = await new SoftwareAuthenticator(ORIGIN).create(options as never);

    const grace = await signUpWithPasskey(realm.name, new SoftwareAuthenticator(ORIGIN));
    const graceCsrf = (await openAccount(grace, realm.name)).csrf;
    await refusedWith(
      await postNewPasskey(grace, realm.name, graceCsrf, credential),
      "expired or was already used",
    );
    expect(await passkeysOf(await userIdOf(realm.name, USER_EMAIL))).toEqual([]);
  });

  it("asks for a recent sign-in: a stale one is sent to sign in again", async () => {
    const realm = await seedRealm();
    const browser = await signedInAda(realm.name);
    await ageSignIns(await userIdOf(realm.name, USER_EMAIL), 301);

    const { html, csrf } = await openAccount(browser, realm.name);
    expect(html).toContain("Sign in again to add a passkey.");
    expect(html).not.toContain('id="passkey-add"');
    const response = await addPasskeyOptions(browser, realm.name, csrf);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: "reauthentication_required",
      error_description: "For your security, please sign in again before adding a passkey.",
    });
  });

  it("refuses a sign-in that went stale between the options and the answer", async () => {
    const realm = await seedRealm();
    const browser = await signedInAda(realm.name);
    const { csrf } = await openAccount(browser, realm.name);
    const options = await (await addPasskeyOptions(browser, realm.name, csrf)).json();
    await ageSignIns(await userIdOf(realm.name, USER_EMAIL), 301);

    const credential = await new SoftwareAuthenticator(ORIGIN).create(options as never);
    await refusedWith(
      await postNewPasskey(browser, realm.name, csrf, credential),
      "expired or was already used",
    );
  });

  it("needs a live session: options answer 401, the form goes to the sign-in page", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const browser = new Browser();
    // A visitor has a CSRF cookie from the sign-in page but no session.
    const page = await browser.get(`${ORIGIN}/realms/${realm.name}/login-actions/authenticate`);
    const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
    const options = await addPasskeyOptions(browser, realm.name, token);
    expect(options.status).toBe(401);
    expect(((await options.json()) as { error: string }).error).toBe("login_required");

    const response = await postNewPasskey(browser, realm.name, token, "{}");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(
      `/realms/${realm.name}/login-actions/authenticate`,
    );
    await settle();
    expect(await eventsOf(realm.name, "UPDATE_CREDENTIAL_ERROR")).toEqual([]);
  });

  it("refuses options and answers without the page's CSRF token", async () => {
    const realm = await seedRealm();
    const browser = await signedInAda(realm.name);
    expect((await addPasskeyOptions(browser, realm.name, "forged")).status).toBe(403);
    expect((await postNewPasskey(browser, realm.name, "", "{}")).status).toBe(403);
  });
});
