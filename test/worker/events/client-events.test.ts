import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Browser, readForm } from "../support/browser";
import {
  backendAuthorization,
  backendRequest,
  backendTokens,
  basicAuthorization,
} from "../support/clients";
import { enableEvents, storedEvent } from "../support/events";
import { postForm, signIn } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, ORIGIN, seedRealm } from "../support/realm";

const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

describe("Keycloak events: clients and the account console", () => {
  it("records CLIENT_REGISTER and CLIENT_DELETE (RFC 7591, RFC 7592)", async () => {
    const realm = await seedRealm({ eventsEnabled: true, clientRegistrationAnonymous: true });
    const created = await SELF.fetch(`${realm.issuer}/clients-registrations/openid-connect`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: ["https://app.example/cb"] }),
    });
    expect(created.status).toBe(201);
    const info = (await created.json()) as Record<string, string>;
    const deleted = await SELF.fetch(info.registration_client_uri ?? "", {
      method: "DELETE",
      headers: { authorization: `Bearer ${info.registration_access_token}` },
    });
    expect(deleted.status).toBe(204);

    expect((await storedEvent(realm.name, "CLIENT_REGISTER")).clientId).toBe(info.client_id);
    expect((await storedEvent(realm.name, "CLIENT_DELETE")).clientId).toBe(info.client_id);
  });

  it("records TOKEN_EXCHANGE with Keycloak's grant_type", async () => {
    const enabled = { "standard.token.exchange.enabled": "true" };
    const realm = await seedRealm({
      eventsEnabled: true,
      clients: [
        {
          clientId: "backend",
          secret: BACKEND_SECRET,
          redirectUris: [BACKEND_REDIRECT],
          attributes: enabled,
        },
        { clientId: "api", secret: "api-secret" },
      ],
    });
    const tokens = await backendTokens(realm.oidc);
    const body = new URLSearchParams({
      grant_type: EXCHANGE,
      subject_token: tokens.access_token ?? "",
      subject_token_type: ACCESS_TOKEN,
      audience: "api",
    });
    const response = await SELF.fetch(`${realm.oidc}/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: basicAuthorization("backend", BACKEND_SECRET),
      },
      body: body.toString(),
    });
    expect(response.status).toBe(200);

    const event = await storedEvent(realm.name, "TOKEN_EXCHANGE");
    expect(event.clientId).toBe("backend");
    expect(event.details?.grant_type).toBe(EXCHANGE);
  });

  it("records PUSHED_AUTHORIZATION_REQUEST, and its _ERROR for a refused client", async () => {
    const realm = await seedRealm({ eventsEnabled: true });
    const pushed = await postForm(`${realm.oidc}/ext/par/request`, backendRequest(), {
      authorization: backendAuthorization(),
    });
    expect(pushed.status).toBe(201);
    const refused = await postForm(`${realm.oidc}/ext/par/request`, {
      ...backendRequest(),
      client_secret: "wrong",
    });
    expect(refused.status).toBe(401);

    expect((await storedEvent(realm.name, "PUSHED_AUTHORIZATION_REQUEST")).clientId).toBe(
      "backend",
    );
    const error = await storedEvent(realm.name, "PUSHED_AUTHORIZATION_REQUEST_ERROR");
    expect(error.error).toBe("invalid_client");
  });

  it("records LOGOUT from the account console", async () => {
    const realm = await seedRealm();
    await enableEvents(realm.name);
    const browser = new Browser();
    const accountUrl = `${ORIGIN}/realms/${realm.name}/account`;
    await signIn(browser, `${ORIGIN}/realms/${realm.name}/login-actions/authenticate`);
    const { action, hidden } = readForm(await (await browser.get(accountUrl)).text(), accountUrl);
    expect((await browser.post(action, hidden)).status).toBe(303);

    const login = await storedEvent(realm.name, "LOGIN");
    const logout = await storedEvent(realm.name, "LOGOUT");
    expect(logout).toMatchObject({ userId: login.userId, sessionId: login.sessionId });
  });
});
