import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { listDataAccess, recordAdminAccess } from "../../../src/events/data-access";
import { backendAuthorization } from "../support/clients";
import { eventually, settle } from "../support/events";
import { postForm, signInAndExchange } from "../support/oidc";
import { SPA_REDIRECT, seedRealm } from "../support/realm";
import { realmId } from "../support/store";

const db = database((env as unknown as Env).DB);

/** The person's access trail once it holds at least `count` records. */
async function trail(realm: string, userId: string, count: number) {
  const id = await realmId(realm);
  return eventually(async () => {
    const records = await listDataAccess(db, id, userId);
    return records.length >= count ? records : undefined;
  });
}

const subject = (accessToken: string) =>
  JSON.parse(atob(accessToken.split(".")[1] ?? "")).sub as string;

describe("the data-access trail", () => {
  it("records a token issued to a client, with its scope and the claims it releases", async () => {
    // Events off: the trail is the person's record and is kept regardless.
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const userId = subject(tokens.access_token ?? "");

    const [record] = await trail(realm.name, userId, 1);
    expect(record).toMatchObject({
      accessor: "client",
      clientId: "spa",
      action: "CODE_TO_TOKEN",
      scope: "openid profile email",
    });
    expect(record?.claims).toEqual(
      expect.arrayContaining(["sub", "preferred_username", "name", "email", "email_verified"]),
    );
    expect(record?.claims).not.toContain("phone_number");
  });

  it("names each claim the client received, mapper claims too, no protocol claims", async () => {
    const realm = await seedRealm({
      clients: [
        {
          clientId: "spa",
          publicClient: true,
          redirectUris: [SPA_REDIRECT],
          protocolMappers: [
            {
              name: "tier",
              protocol: "openid-connect",
              protocolMapper: "oidc-hardcoded-claim-mapper",
              config: { "id.token.claim": "true", "claim.name": "tier", "claim.value": "gold" },
            },
          ],
        },
      ],
    });
    const { tokens } = await signInAndExchange(realm.oidc);
    const userId = subject(tokens.access_token ?? "");

    const [record] = await trail(realm.name, userId, 1);
    expect(record?.claims).toContain("tier");
    expect(record?.claims).toContain("sub");
    for (const protocol of ["iss", "aud", "exp", "jti", "nonce", "sid", "scope"]) {
      expect(record?.claims).not.toContain(protocol);
    }
  });

  it("records userinfo and introspection reads, newest first", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const userId = subject(tokens.access_token ?? "");
    await trail(realm.name, userId, 1);

    const userinfo = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
    await trail(realm.name, userId, 2);
    const introspection = await postForm(
      `${realm.oidc}/token/introspect`,
      { token: tokens.access_token ?? "" },
      { authorization: backendAuthorization() },
    );
    expect(introspection.status).toBe(200);

    const records = await trail(realm.name, userId, 3);
    expect(records.map((r) => [r.action, r.clientId])).toEqual([
      ["INTROSPECT_TOKEN", "backend"],
      ["USER_INFO_REQUEST", "spa"],
      ["CODE_TO_TOKEN", "spa"],
    ]);
    const page = await listDataAccess(db, await realmId(realm.name), userId, { first: 1, max: 1 });
    expect(page.map((r) => r.action)).toEqual(["USER_INFO_REQUEST"]);
  });

  it("records nothing for a refused read", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const userId = subject(tokens.access_token ?? "");
    await trail(realm.name, userId, 1);

    const refused = await SELF.fetch(`${realm.oidc}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}x` },
    });
    expect(refused.status).toBe(401);
    await settle();
    expect(await listDataAccess(db, await realmId(realm.name), userId)).toHaveLength(1);
  });

  it("lists an administrator's read of the person's record", async () => {
    const realm = await seedRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const userId = subject(tokens.access_token ?? "");
    await trail(realm.name, userId, 1);

    const access = { realmId: await realmId(realm.name), userId, adminUserId: "admin-1" };
    await recordAdminAccess(db, access, "ADMIN_READ");

    const [latest] = await trail(realm.name, userId, 2);
    expect(latest).toMatchObject({
      accessor: "admin",
      adminUserId: "admin-1",
      action: "ADMIN_READ",
    });
  });
});
