import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readForm } from "../support/browser";
import { backendAuthorization } from "../support/clients";
import { eventsOf, storedEvent } from "../support/events";
import { postForm, signInAndExchange, spaRefresh, tokenRequest } from "../support/oidc";
import { BACKEND_SECRET, SPA_REDIRECT, seedRealm } from "../support/realm";

const realmWithEvents = () =>
  seedRealm({
    eventsEnabled: true,
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT] },
      { clientId: "backend", secret: BACKEND_SECRET, serviceAccountsEnabled: true },
    ],
  });

describe("Keycloak events: the token service", () => {
  it("records CODE_TO_TOKEN with grant_type and scope, and never the code", async () => {
    const realm = await realmWithEvents();
    const { tokens, code } = await signInAndExchange(realm.oidc);
    expect(tokens.access_token).toBeTruthy();

    const event = await storedEvent(realm.name, "CODE_TO_TOKEN");
    expect(event.clientId).toBe("spa");
    expect(event.sessionId).toBe(tokens.session_state);
    expect(event.details).toEqual({
      grant_type: "authorization_code",
      scope: "openid profile email",
      claims: expect.stringContaining("preferred_username"),
    });
    expect(JSON.stringify(event)).not.toContain(code);
  });

  it("records CODE_TO_TOKEN_ERROR with the OAuth error code for a refused code", async () => {
    const realm = await realmWithEvents();
    const response = await tokenRequest(realm.oidc, {
      grant_type: "authorization_code",
      client_id: "spa",
      code: "not-a-code",
      redirect_uri: SPA_REDIRECT,
    });
    expect(response.status).toBe(400);

    const event = await storedEvent(realm.name, "CODE_TO_TOKEN_ERROR");
    expect(event.error).toBe("invalid_grant");
    expect(event.clientId).toBe("spa");
    expect(event.details).toEqual({ grant_type: "authorization_code" });
  });

  it("records REFRESH_TOKEN, and REFRESH_TOKEN_ERROR for a reused refresh token", async () => {
    const realm = await realmWithEvents();
    const { tokens } = await signInAndExchange(realm.oidc);
    expect((await spaRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(200);
    expect((await spaRefresh(realm.oidc, tokens.refresh_token ?? "")).status).toBe(400);

    expect((await storedEvent(realm.name, "REFRESH_TOKEN")).details).toEqual({
      grant_type: "refresh_token",
      scope: "openid profile email",
      claims: expect.stringContaining("preferred_username"),
    });
    const error = await storedEvent(realm.name, "REFRESH_TOKEN_ERROR");
    expect(error.error).toBe("invalid_grant");
    expect(JSON.stringify(error)).not.toContain(tokens.refresh_token);
  });

  it("records CLIENT_LOGIN, and CLIENT_LOGIN_ERROR for a wrong secret", async () => {
    const realm = await realmWithEvents();
    const ok = await tokenRequest(
      realm.oidc,
      { grant_type: "client_credentials" },
      { authorization: backendAuthorization() },
    );
    expect(ok.status).toBe(200);
    const wrong = `Basic ${btoa("backend:wrong")}`;
    const refused = await tokenRequest(
      realm.oidc,
      { grant_type: "client_credentials" },
      { authorization: wrong },
    );
    expect(refused.status).toBe(401);

    expect((await storedEvent(realm.name, "CLIENT_LOGIN")).clientId).toBe("backend");
    const error = await storedEvent(realm.name, "CLIENT_LOGIN_ERROR");
    expect(error.error).toBe("invalid_client");
    expect(JSON.stringify(error)).not.toContain("wrong");
  });

  it("records USER_INFO_REQUEST, and USER_INFO_REQUEST_ERROR for a bad token", async () => {
    const realm = await realmWithEvents();
    const { tokens } = await signInAndExchange(realm.oidc);
    const ok = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(ok.status).toBe(200);
    const bad = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: "Bearer nonsense" },
    });
    expect(bad.status).toBe(401);

    const event = await storedEvent(realm.name, "USER_INFO_REQUEST");
    expect(event.clientId).toBe("spa");
    expect(event.details).toEqual({
      scope: "openid profile email",
      claims: expect.stringContaining("email"),
    });
    expect((await storedEvent(realm.name, "USER_INFO_REQUEST_ERROR")).error).toBe("invalid_token");
  });

  it("records INTROSPECT_TOKEN naming the token's subject for an active token", async () => {
    const realm = await realmWithEvents();
    const { tokens } = await signInAndExchange(realm.oidc);
    const response = await postForm(
      `${realm.oidc}/token/introspect`,
      { token: tokens.access_token ?? "" },
      { authorization: backendAuthorization() },
    );
    expect(response.status).toBe(200);

    const event = await storedEvent(realm.name, "INTROSPECT_TOKEN");
    expect(event.clientId).toBe("backend");
    const login = (await eventsOf(realm.name, "CODE_TO_TOKEN"))[0];
    expect(event.userId).toBe(login?.userId);
  });

  it("records LOGOUT for the ended session", async () => {
    const realm = await realmWithEvents();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    const page = await browser.get(`${realm.oidc}/logout`);
    const { action, hidden } = readForm(await page.text(), realm.oidc);
    expect((await browser.post(action, hidden)).status).toBe(200);

    const event = await storedEvent(realm.name, "LOGOUT");
    expect(event.sessionId).toBe(tokens.session_state);
  });

  it("records REVOKE_GRANT when a client revokes its refresh token (RFC 7009)", async () => {
    const realm = await realmWithEvents();
    const { tokens } = await signInAndExchange(realm.oidc);
    const response = await postForm(`${realm.oidc}/revoke`, {
      client_id: "spa",
      token: tokens.refresh_token ?? "",
    });
    expect(response.status).toBe(200);
    expect((await storedEvent(realm.name, "REVOKE_GRANT")).clientId).toBe("spa");
  });
});
