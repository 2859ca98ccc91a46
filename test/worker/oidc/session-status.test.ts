import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { authorize, callbackParams } from "../support/authorization";
import { Browser } from "../support/browser";
import { signInAndExchange, spaRequest } from "../support/oidc";
import {
  BACKEND_REDIRECT,
  BACKEND_SECRET,
  ORIGIN,
  SPA_REDIRECT,
  seedRealm,
} from "../support/realm";
import { disableClient } from "../support/store";

const SPA_ORIGIN = "https://spa.example";
const OTHER_ORIGIN = "https://other.example";

/** A realm whose `spa` lists its own origin as a web origin, as keycloak-js apps do. */
function realmWithWebOrigins() {
  return seedRealm({
    clients: [
      {
        clientId: "spa",
        publicClient: true,
        redirectUris: [SPA_REDIRECT],
        webOrigins: [SPA_ORIGIN],
        attributes: { "post.logout.redirect.uris": "https://spa.example/signed-out" },
      },
      {
        clientId: "backend",
        secret: BACKEND_SECRET,
        redirectUris: [BACKEND_REDIRECT],
        webOrigins: [OTHER_ORIGIN],
      },
    ],
  });
}

function init(oidc: string, params: Record<string, string>) {
  const query = new URLSearchParams(params).toString();
  return SELF.fetch(`${oidc}/login-status-iframe.html/init?${query}`);
}

async function expectError(response: Response, error: string) {
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

/** One directive's sources in a response's Content-Security-Policy. */
function cspDirective(response: Response, name: string): string | undefined {
  const csp = response.headers.get("content-security-policy") ?? "";
  const directive = csp.split(";").find((part) => part.trim().startsWith(`${name} `));
  return directive?.trim().slice(name.length + 1);
}

/** The Set-Cookie line for the session state cookie among a response's cookies. */
function sessionStateCookie(response: Response): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith("KEYCLOAK_SESSION="));
}

describe("pages keycloak-js frames may be framed by the realm's web origins only", () => {
  for (const page of [
    "login-status-iframe.html",
    "3p-cookies/step1.html",
    "3p-cookies/step2.html",
  ]) {
    it(`lets the registered web origins frame ${page}, and no one else`, async () => {
      const realm = await realmWithWebOrigins();

      const response = await SELF.fetch(`${realm.oidc}/${page}`);
      const csp = response.headers.get("content-security-policy") ?? "";

      expect(response.status).toBe(200);
      expect(cspDirective(response, "frame-ancestors")).toBe(`${OTHER_ORIGIN} ${SPA_ORIGIN}`);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(response.headers.get("x-frame-options")).toBeNull();
    });
  }

  it("keeps frame-ancestors 'none' when no client registers a web origin", async () => {
    const realm = await seedRealm();

    const response = await SELF.fetch(`${realm.oidc}/login-status-iframe.html`);

    expect(cspDirective(response, "frame-ancestors")).toBe("'none'");
  });

  it("leaves out the web origins of disabled clients", async () => {
    const realm = await realmWithWebOrigins();
    await disableClient(realm.name, "backend");

    const response = await SELF.fetch(`${realm.oidc}/3p-cookies/step1.html`);

    expect(cspDirective(response, "frame-ancestors")).toBe(SPA_ORIGIN);
  });

  it("runs the iframe's script from /resources, not inline", async () => {
    const realm = await realmWithWebOrigins();

    const html = await (await SELF.fetch(`${realm.oidc}/login-status-iframe.html`)).text();
    const script = await SELF.fetch(`${ORIGIN}/resources/login-status-iframe.js`);

    expect(html).toContain('<script src="/resources/login-status-iframe.js"></script>');
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toContain("KEYCLOAK_SESSION");
  });
});

describe("the session status iframe's /init accepts a client only from its web origins", () => {
  it("answers 204 for a client framed by one of its registered web origins", async () => {
    const realm = await realmWithWebOrigins();

    const response = await init(realm.oidc, { client_id: "spa", origin: SPA_ORIGIN });

    expect(response.status).toBe(204);
  });

  it("refuses an origin the client did not register with unauthorized_client", async () => {
    const realm = await realmWithWebOrigins();

    await expectError(
      await init(realm.oidc, { client_id: "spa", origin: OTHER_ORIGIN }),
      "unauthorized_client",
    );
  });

  it("refuses an unknown client with unauthorized_client", async () => {
    const realm = await realmWithWebOrigins();

    await expectError(
      await init(realm.oidc, { client_id: "nobody", origin: SPA_ORIGIN }),
      "unauthorized_client",
    );
  });

  it("refuses a disabled client with unauthorized_client", async () => {
    const realm = await realmWithWebOrigins();
    await disableClient(realm.name, "spa");

    await expectError(
      await init(realm.oidc, { client_id: "spa", origin: SPA_ORIGIN }),
      "unauthorized_client",
    );
  });

  it("refuses a request without an origin with invalid_request", async () => {
    const realm = await realmWithWebOrigins();

    await expectError(await init(realm.oidc, { client_id: "spa" }), "invalid_request");
  });
});

describe("session state (OpenID Connect Session Management 1.0 §3)", () => {
  it("comes with the code as session_state, equal to the tokens' sid", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    const { params } = await spaRequest();

    const callback = callbackParams(await authorize(realm.oidc, params, browser), SPA_REDIRECT);

    expect(callback.get("session_state")).toBe(decodeJwt(tokens.access_token ?? "").sid);
  });

  it("is set at sign-in in a script-readable cookie for the realm's path only", async () => {
    const realm = await seedRealm();
    const browser = new Browser();
    const { params } = await spaRequest();
    const page = await authorize(realm.oidc, params, browser);
    const form = await page.text();
    const action = /action="([^"]*)"/.exec(form)?.[1]?.replace(/&amp;/g, "&") ?? "";
    const hidden = Object.fromEntries(
      [...form.matchAll(/name="([^"]*)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );

    const signedIn = await browser.post(new URL(action, realm.oidc).toString(), {
      ...hidden,
      username: "ada@example.com",
      password: "ada-password-1",
    });
    const cookie = sessionStateCookie(signedIn) ?? "";
    const sid = callbackParams(signedIn, SPA_REDIRECT).get("session_state");

    expect(cookie).toContain(`KEYCLOAK_SESSION=${sid};`);
    expect(cookie).toContain(`Path=/realms/${realm.name}/`);
    expect(cookie).not.toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=None/);
  });

  it("is cleared by logout, so the iframe reports the session as changed", async () => {
    const realm = await seedRealm();
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await browser.get(
      `${realm.oidc}/logout?id_token_hint=${encodeURIComponent(tokens.id_token ?? "")}`,
    );

    expect(sessionStateCookie(response)).toMatch(/^KEYCLOAK_SESSION=;.*Max-Age=0/);
  });
});
