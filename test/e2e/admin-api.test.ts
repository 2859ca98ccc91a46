import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import KeycloakAdminClient from "@keycloak/keycloak-admin-client";
import { decodeJwt } from "jose";
import * as client from "openid-client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDevVar } from "../../src/cli/dev-vars";
import { launchChromium } from "./harness/browser";
import { type CallbackServer, startCallbackServer } from "./harness/callback-server";
import { type LatchkeyServer, startLatchkey } from "./harness/latchkey-server";
import { appReceives, signIn } from "./harness/pages";
import { writeRealmFile } from "./harness/realm-file";
import { authorizationRequest, discover } from "./harness/relying-party";

const root = join(import.meta.dirname, "..", "..");
const REALM = "kc-admin";

let dir: string;
let app: CallbackServer;
let latchkey: LatchkeyServer;
let browser: Browser;
let admin: KeycloakAdminClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-admin-"));
  app = await startCallbackServer();
  latchkey = await startLatchkey("e2e", await writeRealmFile(dir, app.origin));
  browser = await launchChromium();
  admin = new KeycloakAdminClient({ baseUrl: latchkey.origin, realmName: "master" });
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.stop();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the admin API driven by @keycloak/keycloak-admin-client", () => {
  const person = { email: "grace@example.com", password: "first-password-1" };
  let userId: string;

  it("signs the bootstrap administrator in with the password grant on admin-cli", async () => {
    // `npm start` wrote them to .dev.vars, as for a developer.
    await admin.auth({
      grantType: "password",
      clientId: "admin-cli",
      username: (await readDevVar(root, "BOOTSTRAP_ADMIN_USERNAME")) ?? "",
      password: (await readDevVar(root, "BOOTSTRAP_ADMIN_PASSWORD")) ?? "",
    });
    const realms = await admin.realms.find();
    expect(realms.map((realm) => realm.realm)).toContain("master");
  });

  it("creates a realm, a user with a password, a role and a group holding it", async () => {
    await admin.realms.create({
      realm: REALM,
      enabled: true,
      clients: [{ clientId: "app", publicClient: true, redirectUris: [`${app.origin}/callback`] }],
    });
    admin.setConfig({ realmName: REALM });

    const created = await admin.users.create({
      username: "grace",
      email: person.email,
      enabled: true,
      credentials: [{ type: "password", value: "initial-password-0", temporary: false }],
    });
    userId = created.id;
    await admin.roles.create({ name: "editor" });
    const role = await admin.roles.findOneByName({ name: "editor" });
    const group = await admin.groups.create({ name: "staff" });
    await admin.groups.addRealmRoleMappings({
      id: group.id,
      roles: [{ id: role?.id ?? "", name: "editor" }],
    });
    await admin.users.addToGroup({ id: userId, groupId: group.id });

    const found = await admin.users.find({ search: "grac" });
    expect(found.map((user) => user.id)).toEqual([userId]);
  });

  it("resets the password and reads the brute-force status", async () => {
    await admin.users.resetPassword({
      id: userId,
      credential: { type: "password", value: person.password, temporary: false },
    });
    const status = await admin.attackDetection.findOne({ id: userId });
    expect(status).toMatchObject({ numFailures: 0, disabled: false });
  });

  it("lets the user sign in with the new password; the access token has the role", async () => {
    const config = await discover(latchkey.issuer(REALM), "app");
    const callback = `${app.origin}/callback`;
    const request = await authorizationRequest(config, callback);
    const page = await (await browser.newContext()).newPage();

    await page.goto(request.url.href);
    await signIn(page, person.email, person.password);
    const response = await appReceives(app, page, "/callback");
    const tokens = await client.authorizationCodeGrant(config, response, request.checks);

    const claims = decodeJwt(tokens.access_token);
    expect((claims.realm_access as { roles: string[] }).roles).toContain("editor");
  });

  it("creates a client and a client role; the user's token from it carries the role", async () => {
    const { id } = await admin.clients.create({
      clientId: "reports",
      directAccessGrantsEnabled: true,
    });
    const secret = await admin.clients.getClientSecret({ id });
    expect(secret.value).toBeTruthy();
    await admin.clients.createRole({ id, name: "viewer" });
    const role = await admin.clients.findRole({ id, roleName: "viewer" });
    await admin.users.addClientRoleMappings({
      id: userId,
      clientUniqueId: id,
      roles: [{ id: role?.id ?? "", name: "viewer" }],
    });
    const mappings = await admin.users.listRoleMappings({ id: userId });
    expect(
      mappings.clientMappings?.reports?.mappings?.map((r: { name?: string }) => r.name),
    ).toEqual(["viewer"]);

    const basic = btoa(`reports:${encodeURIComponent(secret.value ?? "")}`);
    const response = await fetch(`${latchkey.issuer(REALM)}/protocol/openid-connect/token`, {
      method: "POST",
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({
        grant_type: "password",
        username: person.email,
        password: person.password,
      }),
    });
    const tokens = (await response.json()) as { access_token: string };
    const claims = decodeJwt(tokens.access_token);
    expect(claims.resource_access).toMatchObject({ reports: { roles: ["viewer"] } });
  });
});
