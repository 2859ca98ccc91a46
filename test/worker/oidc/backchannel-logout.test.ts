import { env } from "cloudflare:test";
import { decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { findClient } from "../../../src/db/clients";
import { findRealmByName } from "../../../src/db/realms";
import { endSession, findSessionById } from "../../../src/db/sessions";
import { realmKeys } from "../../../src/keys/realm-keys";
import {
  BACKCHANNEL_LOGOUT_EVENT,
  signLogoutToken,
} from "../../../src/oidc/backchannel/logout-token";
import { Browser } from "../support/browser";
import { backendRequest, exchangeBackendCode, publishedKeySet } from "../support/clients";
import { authorizeUrl, redirectParams, signInAndExchange } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, SPA_REDIRECT, seedRealm } from "../support/realm";
import { realmId } from "../support/store";

const db = database((env as unknown as Env).DB);
const RECEIVER = "https://backend.example/backchannel-logout";

/** A stored client of a test realm; fails the test when it is missing. */
async function storedClient(realmName: string, clientId: string) {
  const client = await findClient(db, await realmId(realmName), clientId);
  if (!client) throw new Error(`no client ${clientId}`);
  return client;
}

/** The `sid` of an ID token the test just received. */
function sidOf(idToken: string | undefined): string {
  return String(decodeJwt(idToken ?? "").sid);
}

/** A code for `backend` from the browser's existing SSO session, without signing in again. */
async function backendCodeInSession(oidc: string, browser: Browser) {
  const response = await browser.get(authorizeUrl(oidc, backendRequest()));
  return redirectParams(response).get("code") ?? "";
}

/** The realm's `spa` and `backend` clients, `backend` with the given logout attributes. */
function clientsWith(attributes: Record<string, string>) {
  return {
    clients: [
      { clientId: "spa", publicClient: true, redirectUris: [SPA_REDIRECT] },
      { clientId: "backend", secret: BACKEND_SECRET, redirectUris: [BACKEND_REDIRECT], attributes },
    ],
  };
}

/** Signs a logout token for `backend` in a live session of the realm, and verifies it. */
async function logoutTokenFor(attributes: Record<string, string>) {
  const realm = await seedRealm(clientsWith(attributes));
  const stored = await findRealmByName(db, realm.name);
  const { tokens } = await signInAndExchange(realm.oidc);
  const sid = sidOf(tokens.id_token);
  const now = Math.floor(Date.now() / 1000);
  const session = stored && (await findSessionById(db, stored, sid, now));
  if (!session) throw new Error("no session");

  const keys = await realmKeys(env as unknown as Env, session.realmId);
  const token = await signLogoutToken(keys, {
    issuer: realm.issuer,
    client: await storedClient(realm.name, "backend"),
    session,
    now,
  });
  const verified = await jwtVerify(token, await publishedKeySet(realm.oidc), {
    issuer: realm.issuer,
    audience: "backend",
    typ: "logout+jwt",
  });
  return { ...verified, sid, now, userId: session.userId };
}

describe("logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4)", () => {
  it("are signed with the ID token key and carry the logout event, sub and sid", async () => {
    const { payload, protectedHeader, sid, now, userId } = await logoutTokenFor({
      "backchannel.logout.url": RECEIVER,
    });

    expect(protectedHeader.alg).toBe("RS256");
    expect(protectedHeader.typ).toBe("logout+jwt");
    expect(payload.events).toEqual({ [BACKCHANNEL_LOGOUT_EVENT]: {} });
    expect(payload.sub).toBe(userId);
    expect(payload.sid).toBe(sid);
    expect(payload.iat).toBe(now);
    expect(payload.exp).toBe(now + 120);
    expect(payload.jti).toMatch(/.{16,}/);
  });

  it("never carry a nonce, so they cannot pass as ID tokens (§2.4)", async () => {
    const { payload } = await logoutTokenFor({ "backchannel.logout.url": RECEIVER });

    expect(payload).not.toHaveProperty("nonce");
  });

  it("leave sid out when backchannel.logout.session.required is false", async () => {
    const { payload } = await logoutTokenFor({
      "backchannel.logout.url": RECEIVER,
      "backchannel.logout.session.required": "false",
    });

    expect(payload).not.toHaveProperty("sid");
    expect(payload.sub).toBeTruthy();
  });
});

describe("ending a session reports the relying parties it issued tokens to", () => {
  it("names every client that redeemed a code in the session, once", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    await exchangeBackendCode(realm.oidc, await backendCodeInSession(realm.oidc, browser));
    const sid = sidOf(tokens.id_token);

    const ended = await endSession(db, sid);

    const spa = await storedClient(realm.name, "spa");
    const backend = await storedClient(realm.name, "backend");
    expect(ended?.session.id).toBe(sid);
    expect(ended?.clientIds.sort()).toEqual([spa.id, backend.id].sort());
  });

  it("reports nothing for a session already ended, so no end is announced twice", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const sid = sidOf(tokens.id_token);
    await endSession(db, sid);

    expect(await endSession(db, sid)).toBeUndefined();
  });

  it("does not name a client whose code was issued but never redeemed", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    await backendCodeInSession(realm.oidc, browser);

    const ended = await endSession(db, sidOf(tokens.id_token));

    expect(ended?.clientIds).toEqual([(await storedClient(realm.name, "spa")).id]);
  });
});

describe("back-channel logout settings come from Keycloak's client attributes", () => {
  it("reads backchannel.logout.url, with a session required unless told otherwise", async () => {
    const realm = await seedRealm(clientsWith({ "backchannel.logout.url": RECEIVER }));

    const backend = await storedClient(realm.name, "backend");
    const spa = await storedClient(realm.name, "spa");

    expect(backend.backchannelLogoutUrl).toBe(RECEIVER);
    expect(backend.backchannelLogoutSessionRequired).toBe(true);
    expect(spa.backchannelLogoutUrl).toBeNull();
  });

  it("treats an empty backchannel.logout.url, as Keycloak exports it, as none", async () => {
    const realm = await seedRealm(clientsWith({ "backchannel.logout.url": "" }));

    expect((await storedClient(realm.name, "backend")).backchannelLogoutUrl).toBeNull();
  });

  it("refuses a back-channel logout URL with a fragment (§2.2)", async () => {
    const attributes = { "backchannel.logout.url": `${RECEIVER}#here` };

    await expect(seedRealm(clientsWith(attributes))).rejects.toThrow(
      /backchannel\.logout\.url.*must not have a fragment/,
    );
  });

  it("refuses a back-channel logout URL that is not http or https", async () => {
    const attributes = { "backchannel.logout.url": "ftp://backend.example/logout" };

    await expect(seedRealm(clientsWith(attributes))).rejects.toThrow(
      /must be an http or https URL/,
    );
  });

  it("refuses a session requirement that is not the string true or false", async () => {
    const attributes = { "backchannel.logout.session.required": "yes" };

    await expect(seedRealm(clientsWith(attributes))).rejects.toThrow(
      /backchannel\.logout\.session\.required/,
    );
  });
});

it("discovery announces back-channel logout with sessions", async () => {
  const realm = await seedRealm();
  const response = await new Browser().get(`${realm.issuer}/.well-known/openid-configuration`);
  const metadata = (await response.json()) as Record<string, unknown>;

  expect(metadata.backchannel_logout_supported).toBe(true);
  expect(metadata.backchannel_logout_session_supported).toBe(true);
});

it("neither fails nor waits for a relying party that cannot be reached", async () => {
  const attributes = { "backchannel.logout.url": "http://127.0.0.1:1/backchannel-logout" };
  const realm = await seedRealm(clientsWith(attributes));
  const { browser } = await signInAndExchange(realm.oidc);
  const code = await backendCodeInSession(realm.oidc, browser);
  const tokens = (await (await exchangeBackendCode(realm.oidc, code)).json()) as {
    id_token: string;
  };

  const started = Date.now();
  const query = new URLSearchParams({ id_token_hint: tokens.id_token });
  const response = await browser.get(`${realm.oidc}/logout?${query}`);

  expect(response.status).toBe(200);
  // Three attempts with their backoff take at least 5 s; the answer must not wait for them.
  expect(Date.now() - started).toBeLessThan(3000);
});
