import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import * as client from "openid-client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../harness/browser";
import { type CallbackServer, startCallbackServer } from "../harness/callback-server";
import { type LatchkeyServer, startLatchkey } from "../harness/latchkey-server";
import { appReceives, signIn } from "../harness/pages";
import { existingUser } from "../harness/realm-file";
import { authorizationRequest } from "../harness/relying-party";

const API = "https://api.example/";
const LEDGER = "https://ledger.example/v1";
const WEB_SECRET = "resources web secret";
const SERVICE_SECRET = "resources service secret";

let dir: string;
let app: CallbackServer;
let latchkey: LatchkeyServer;
let browser: Browser;
let page: Page;
let issuer: string;

const execute = [client.allowInsecureRequests, client.enableNonRepudiationChecks];
const callback = () => `${app.origin}/callback`;

/**
 * A realm whose web app may ask for the ledger (`resource.indicators`) and, through its
 * optional `api` scope's audience mapper, the API; and a service client allowed the ledger.
 */
async function writeResourceRealm(): Promise<string> {
  const realm = {
    realm: "resources",
    clientScopes: [
      {
        name: "api",
        protocol: "openid-connect",
        attributes: { "include.in.token.scope": "true" },
        protocolMappers: [
          {
            name: "api audience",
            protocol: "openid-connect",
            protocolMapper: "oidc-audience-mapper",
            config: { "included.custom.audience": API, "access.token.claim": "true" },
          },
          {
            name: "tier",
            protocol: "openid-connect",
            protocolMapper: "oidc-hardcoded-claim-mapper",
            config: { "claim.name": "tier", "claim.value": "gold", "access.token.claim": "true" },
          },
        ],
      },
    ],
    clients: [
      {
        clientId: "web-app",
        secret: WEB_SECRET,
        redirectUris: [callback()],
        optionalClientScopes: ["api", "offline_access"],
        attributes: { "resource.indicators": LEDGER },
      },
      {
        clientId: "service",
        secret: SERVICE_SECRET,
        serviceAccountsEnabled: true,
        attributes: { "resource.indicators": LEDGER },
      },
    ],
    users: [
      {
        username: existingUser.email,
        email: existingUser.email,
        emailVerified: true,
        credentials: [{ type: "password", value: existingUser.password }],
      },
    ],
  };
  const path = join(dir, "resources-realm.json");
  await writeFile(path, JSON.stringify(realm, null, 2));
  return path;
}

function configure(clientId: string, secret: string) {
  return client.discovery(new URL(issuer), clientId, {}, client.ClientSecretBasic(secret), {
    execute,
  });
}

/** The code flow; the first run signs Grace in, later ones ride on her session. */
async function codeFlow(
  config: client.Configuration,
  extra: Record<string, string>,
  tokenParameters?: Record<string, string>,
) {
  const request = await authorizationRequest(config, callback(), extra);
  await page.goto(request.url.href);
  if (page.url().includes("/protocol/openid-connect/auth")) {
    await signIn(page, existingUser.email, existingUser.password);
  }
  const response = await appReceives(app, page, "/callback");
  return client.authorizationCodeGrant(config, response, request.checks, tokenParameters);
}

/** The OAuth `error` a refused call answered. */
async function refusal(call: Promise<unknown>): Promise<string | undefined> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as { error?: string }).error;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-resources-"));
  app = await startCallbackServer();
  latchkey = await startLatchkey("resources", await writeResourceRealm());
  issuer = latchkey.issuer("resources");
  browser = await launchChromium();
  page = await (await browser.newContext()).newPage();
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("RFC 8707 resource indicators and audiences (openid-client)", () => {
  it("keeps aud the client's own id when nothing asks otherwise", async () => {
    const config = await configure("web-app", WEB_SECRET);
    const tokens = await codeFlow(config, {});

    expect(decodeJwt(tokens.access_token).aud).toBe("web-app");
  });

  it("issues an access token for the resource named in the authorization request", async () => {
    const config = await configure("web-app", WEB_SECRET);
    const tokens = await codeFlow(config, { resource: LEDGER });

    expect(decodeJwt(tokens.access_token).aud).toBe(LEDGER);
    expect(tokens.claims()?.aud).toBe("web-app");
  });

  it("makes aud the audience mapper's, with its claim, for the realm scope", async () => {
    const config = await configure("web-app", WEB_SECRET);
    const tokens = await codeFlow(config, { scope: "openid api" });

    expect(tokens.scope?.split(" ")).toContain("api");
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: API, tier: "gold" });
  });

  it("answers invalid_target when the token request names a resource the code lacks", async () => {
    const config = await configure("web-app", WEB_SECRET);

    expect(await refusal(codeFlow(config, { resource: LEDGER }, { resource: API }))).toBe(
      "invalid_target",
    );
  });

  it("sends invalid_target to the redirect URI for a resource not allowed", async () => {
    const config = await configure("web-app", WEB_SECRET);
    const request = await authorizationRequest(config, callback(), {
      resource: "https://elsewhere.example/",
    });
    await page.goto(request.url.href);
    const response = await appReceives(app, page, "/callback");

    expect(response.searchParams.get("error")).toBe("invalid_target");
  });

  it("refreshes into an access token for a resource", async () => {
    const config = await configure("web-app", WEB_SECRET);
    const tokens = await codeFlow(config, {});
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? "", {
      resource: LEDGER,
    });

    expect(decodeJwt(refreshed.access_token).aud).toBe(LEDGER);
  });

  it("gives a service account's token the resource, and refuses a malformed one", async () => {
    const config = await configure("service", SERVICE_SECRET);
    const tokens = await client.clientCredentialsGrant(config, { resource: LEDGER });

    expect(decodeJwt(tokens.access_token).aud).toBe(LEDGER);
    expect(await refusal(client.clientCredentialsGrant(config, { resource: "ledger" }))).toBe(
      "invalid_target",
    );
  });
});
