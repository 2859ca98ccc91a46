import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { type Browser, readForm } from "../support/browser";
import { backendRequest, exchangeBackendCode } from "../support/clients";
import { authorizeUrl, redirectParams, signInAndExchange } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, SPA_REDIRECT, seedRealm } from "../support/realm";

const SIGNED_OUT = "https://spa.example/signed-out";
const SPA_FRONT = "https://spa.example/front-logout?app=1";
const BACKEND_FRONT = "https://backend.example/front-logout";

/** `spa` and `backend` with the given extra client settings. */
function realmWith(spa: Record<string, unknown>, backend: Record<string, unknown> = {}) {
  return seedRealm({
    clients: [
      {
        clientId: "spa",
        publicClient: true,
        redirectUris: [SPA_REDIRECT],
        ...spa,
        attributes: {
          "post.logout.redirect.uris": SIGNED_OUT,
          ...(spa.attributes as Record<string, string>),
        },
      },
      { clientId: "backend", secret: BACKEND_SECRET, redirectUris: [BACKEND_REDIRECT], ...backend },
    ],
  });
}

/** Lets `backend` redeem a code in the browser's session too. */
async function backendJoins(oidc: string, browser: Browser) {
  const code = redirectParams(await browser.get(authorizeUrl(oidc, backendRequest()))).get("code");
  await exchangeBackendCode(oidc, code ?? "");
}

/** Logs out with the ID token as hint; `extra` adds parameters. */
function logout(oidc: string, browser: Browser, idToken: string, extra = {}) {
  const query = new URLSearchParams({ id_token_hint: idToken, ...extra });
  return browser.get(`${oidc}/logout?${query}`);
}

function iframeSources(html: string): string[] {
  return [...html.matchAll(/<iframe src="([^"]*)"/g)].map((m) =>
    (m[1] ?? "").replace(/&amp;/g, "&"),
  );
}

function cspDirective(response: Response, name: string): string | undefined {
  const csp = response.headers.get("content-security-policy") ?? "";
  const directive = csp.split(";").find((part) => part.trim().startsWith(`${name} `));
  return directive?.trim().slice(name.length + 1);
}

describe("front-channel logout (OpenID Connect Front-Channel Logout 1.0 §2, §4)", () => {
  it("frames each relying party of the session with iss and sid, then redirects", async () => {
    const realm = await realmWith(
      { attributes: { "frontchannel.logout.url": SPA_FRONT } },
      { attributes: { "frontchannel.logout.url": BACKEND_FRONT } },
    );
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    await backendJoins(realm.oidc, browser);
    const sid = String(decodeJwt(tokens.id_token ?? "").sid);

    const response = await logout(realm.oidc, browser, tokens.id_token ?? "", {
      post_logout_redirect_uri: SIGNED_OUT,
      state: "bye",
    });
    const html = await response.text();

    expect(response.status).toBe(200);
    const iss = encodeURIComponent(realm.issuer);
    expect(iframeSources(html).sort()).toEqual([
      `${BACKEND_FRONT}?iss=${iss}&sid=${sid}`,
      `https://spa.example/front-logout?app=1&iss=${iss}&sid=${sid}`,
    ]);
    expect(html).toContain(`<a id="continue" href="${SIGNED_OUT}?state=bye"`);
    expect(html).toContain('<script src="/resources/frontchannel-logout.js"></script>');
  });

  it("lets the page frame exactly the relying parties' origins (CSP frame-src)", async () => {
    const realm = await realmWith(
      { attributes: { "frontchannel.logout.url": SPA_FRONT } },
      { attributes: { "frontchannel.logout.url": BACKEND_FRONT } },
    );
    const { browser, tokens } = await signInAndExchange(realm.oidc);
    await backendJoins(realm.oidc, browser);

    const response = await logout(realm.oidc, browser, tokens.id_token ?? "");

    const sources = cspDirective(response, "frame-src")?.split(" ").sort();
    expect(sources).toEqual(["https://backend.example", "https://spa.example"]);
    expect(cspDirective(response, "frame-ancestors")).toBe("'none'");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });

  it("leaves out iss and sid when frontchannel.logout.session.required is false", async () => {
    const realm = await realmWith({
      attributes: {
        "frontchannel.logout.url": SPA_FRONT,
        "frontchannel.logout.session.required": "false",
      },
    });
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const html = await (await logout(realm.oidc, browser, tokens.id_token ?? "")).text();

    expect(iframeSources(html)).toEqual([SPA_FRONT]);
  });

  it("frames no client that took no part in the session", async () => {
    const realm = await realmWith(
      { attributes: { "frontchannel.logout.url": SPA_FRONT } },
      { attributes: { "frontchannel.logout.url": BACKEND_FRONT } },
    );
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const html = await (await logout(realm.oidc, browser, tokens.id_token ?? "")).text();

    expect(iframeSources(html)).toHaveLength(1);
    expect(iframeSources(html)[0]).toMatch(/^https:\/\/spa\.example\//);
  });

  it("skips a client whose frontchannelLogout switch is off, as Keycloak does", async () => {
    const realm = await realmWith({
      frontchannelLogout: false,
      attributes: { "frontchannel.logout.url": SPA_FRONT },
    });
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await logout(realm.oidc, browser, tokens.id_token ?? "", {
      post_logout_redirect_uri: SIGNED_OUT,
    });

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(SIGNED_OUT);
  });

  it("shows the frames without a script when there is nowhere to go next", async () => {
    const realm = await realmWith({ attributes: { "frontchannel.logout.url": SPA_FRONT } });
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const html = await (await logout(realm.oidc, browser, tokens.id_token ?? "")).text();

    expect(iframeSources(html)).toHaveLength(1);
    expect(html).not.toContain("<script");
  });

  it("keeps frame-src closed on a logout with no front-channel client", async () => {
    const realm = await realmWith({});
    const { browser, tokens } = await signInAndExchange(realm.oidc);

    const response = await logout(realm.oidc, browser, tokens.id_token ?? "");

    expect(response.status).toBe(200);
    expect(cspDirective(response, "frame-src")).toBeUndefined();
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("refuses a front-channel logout URL with a fragment at import", async () => {
    const attributes = { "frontchannel.logout.url": `${SPA_FRONT}#x` };

    await expect(realmWith({ attributes })).rejects.toThrow(
      /frontchannel\.logout\.url.*must not have a fragment/,
    );
  });

  it("is announced in discovery, with session support", async () => {
    const realm = await seedRealm();
    const response = await SELF.fetch(`${realm.issuer}/.well-known/openid-configuration`);
    const metadata = (await response.json()) as Record<string, unknown>;

    expect(metadata.frontchannel_logout_supported).toBe(true);
    expect(metadata.frontchannel_logout_session_supported).toBe(true);
  });
});

it("keeps the confirmation form working when the logout is not proven by a hint", async () => {
  const realm = await realmWith({ attributes: { "frontchannel.logout.url": SPA_FRONT } });
  const { browser } = await signInAndExchange(realm.oidc);

  const page = await browser.get(`${realm.oidc}/logout`);
  const { action, hidden } = readForm(await page.text(), realm.oidc);
  const html = await (await browser.post(action, hidden)).text();

  expect(iframeSources(html)).toHaveLength(1);
});

it("frames the relying parties when the person signs out on the account page too", async () => {
  const realm = await realmWith({ attributes: { "frontchannel.logout.url": SPA_FRONT } });
  const { browser } = await signInAndExchange(realm.oidc);
  const account = await browser.get(`${realm.issuer}/account`);
  const { action, hidden } = readForm(await account.text(), realm.issuer);

  const response = await browser.post(action, hidden);
  const html = await response.text();

  expect(response.status).toBe(200);
  expect(iframeSources(html)).toHaveLength(1);
  expect(html).toContain(`<a id="continue" href="/realms/${realm.name}/account"`);
});
