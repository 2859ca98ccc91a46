import { describe, expect, it } from "vitest";
import { Browser } from "../support/browser";
import { allEvents, eventsOf, settle, storedEvent } from "../support/events";
import { authorizeUrl, signIn, spaRequest } from "../support/oidc";
import { ORIGIN, SPA_REDIRECT, seedRealm, USER_EMAIL, USER_PASSWORD } from "../support/realm";
import { realmId } from "../support/store";

const IP = { "cf-connecting-ip": "203.0.113.77" };

/** Signs in at the spa's authorization request from a fixed address. */
async function signInFromIp(oidc: string, password = USER_PASSWORD) {
  const browser = new Browser();
  const { params } = await spaRequest();
  const url = authorizeUrl(oidc, params);
  const page = await browser.fetch(url, { headers: IP });
  const html = await page.text();
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1]?.replaceAll("&amp;", "&") ?? "";
  const csrf = /name="csrf_token" value="([^"]*)"/.exec(html)?.[1] ?? "";
  return browser.fetch(new URL(action, url).toString(), {
    method: "POST",
    headers: { ...IP, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf_token: csrf, username: USER_EMAIL, password }).toString(),
  });
}

describe("Keycloak events: sign-in", () => {
  it("records LOGIN with the session, client and Keycloak's details", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const response = await signInFromIp(realm.oidc);
    expect(response.status).toBe(302);

    const event = await storedEvent(realm.name, "LOGIN");
    expect(event.realmId).toBe(await realmId(realm.name));
    expect(event.clientId).toBe("spa");
    expect(event.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.sessionId).toMatch(/\S+/);
    expect(event.ipAddress).toBe("203.0.113.77");
    expect(event.error).toBeNull();
    expect(event.details).toEqual({
      auth_method: "openid-connect",
      redirect_uri: SPA_REDIRECT,
      response_type: "code",
      username: USER_EMAIL,
    });
    expect(Math.abs(event.time - Date.now())).toBeLessThan(10_000);
  });

  it("records LOGIN_ERROR with Keycloak's error code and never the password", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const response = await signInFromIp(realm.oidc, "wrong-password-9");
    expect(response.status).toBe(401);

    const event = await storedEvent(realm.name, "LOGIN_ERROR");
    expect(event.error).toBe("invalid_user_credentials");
    expect(event.sessionId).toBeNull();
    expect(JSON.stringify(event)).not.toContain("wrong-password-9");
  });

  it("records nothing while the realm has events off (Keycloak's default)", async () => {
    const realm = await seedRealm();
    expect((await signInFromIp(realm.oidc)).status).toBe(302);
    await settle();
    expect(await allEvents(realm.name)).toEqual([]);
  });

  it("stores only the enabledEventTypes the realm lists", async () => {
    const realm = await seedRealm({ eventsEnabled: true, enabledEventTypes: ["LOGIN_ERROR"] });
    await signInFromIp(realm.oidc);
    await signInFromIp(realm.oidc, "wrong-password-9");

    await storedEvent(realm.name, "LOGIN_ERROR");
    await settle();
    expect(await eventsOf(realm.name, "LOGIN")).toEqual([]);
  });

  it("keeps only the network of the address when the realm truncates addresses", async () => {
    const realm = await seedRealm({
      eventsEnabled: true,
      attributes: { eventsIpTruncation: "true" },
    });
    await signInFromIp(realm.oidc);
    expect((await storedEvent(realm.name, "LOGIN")).ipAddress).toBe("203.0.113.0");
  });

  it("records a sign-in from the account console without client or redirect_uri", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const url = `${ORIGIN}/realms/${realm.name}/login-actions/authenticate`;
    expect((await signIn(new Browser(), url)).status).toBe(303);

    const event = await storedEvent(realm.name, "LOGIN");
    expect(event.clientId).toBeNull();
    expect(event.details).toEqual({ auth_method: "openid-connect", username: USER_EMAIL });
  });

  it("records USER_DISABLED_BY_TEMPORARY_LOCKOUT on the locking failure", async () => {
    const realm = await seedRealm({ eventsEnabled: true, failureFactor: 2 });
    await signInFromIp(realm.oidc, "wrong-password-1");
    await settle();
    expect(await eventsOf(realm.name, "USER_DISABLED_BY_TEMPORARY_LOCKOUT")).toEqual([]);

    await signInFromIp(realm.oidc, "wrong-password-2");
    const event = await storedEvent(realm.name, "USER_DISABLED_BY_TEMPORARY_LOCKOUT");
    expect(event.userId).toBe((await eventsOf(realm.name, "LOGIN_ERROR"))[0]?.userId);
  });
});
