import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { realmFile, withClient, withUser } from "./fixtures";

const db = database(env.DB);

/** The message importRealm refuses a file with, after checking nothing of it was written. */
async function refusal(file: { realm: unknown }): Promise<string> {
  const error = await importRealm(db, file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ImportError);
  if (typeof file.realm === "string") expect(await findRealmByName(db, file.realm)).toBeUndefined();
  return (error as ImportError).message;
}

describe("realm file validation names the JSON path of each bad field", () => {
  it("refuses a file that is not an object", async () => {
    await expect(importRealm(db, "demo")).rejects.toThrow(/^\$: /);
  });

  it("refuses a realm without a name", async () => {
    expect(await refusal({ realm: undefined })).toMatch(/^\$\.realm: /);
  });

  it("refuses a realm name that is not URL-safe", async () => {
    expect(await refusal(realmFile("my realm/1"))).toMatch(/^\$\.realm: must be URL-safe/);
  });

  it("refuses a realm setting of the wrong type", async () => {
    const file = realmFile("wrong-type", { accessTokenLifespan: "300" });

    expect(await refusal(file)).toMatch(/^\$\.accessTokenLifespan: /);
  });

  it("refuses a confidential client without a secret", async () => {
    const file = withClient("no-secret", { publicClient: false });

    expect(await refusal(file)).toBe(
      "$.clients[0].secret: a confidential client (publicClient false) needs a secret",
    );
  });

  it("refuses a client with neither publicClient nor secret, confidential by default", async () => {
    const file = realmFile("default-confidential", { clients: [{ clientId: "app" }] });

    expect(await refusal(file)).toMatch(/^\$\.clients\[0\]\.secret: /);
  });

  it("refuses the same clientId twice", async () => {
    const app = { clientId: "app", publicClient: true };
    const file = realmFile("twice", { clients: [app, app] });

    expect(await refusal(file)).toBe('$.clients[1].clientId: "app" appears twice in this realm');
  });

  it("refuses a wildcard redirect URI", async () => {
    const file = withClient("wildcard", {
      redirectUris: ["https://ok.example/cb", "https://app.example/*"],
    });

    expect(await refusal(file)).toBe(
      '$.clients[0].redirectUris[1]: "https://app.example/*" has a wildcard; ' +
        "list each redirect URI exactly",
    );
  });

  it("refuses a redirect URI with a fragment", async () => {
    const file = withClient("fragment", { redirectUris: ["https://app.example/cb#x"] });

    expect(await refusal(file)).toMatch(/^\$\.clients\[0\]\.redirectUris\[0\]: .* has a fragment/);
  });

  it.each(["javascript:alert(1)", "data:text/html,hi"])(
    "refuses the redirect URI %s for its scheme",
    async (uri) => {
      const file = withClient("scheme", { redirectUris: [uri] });

      expect(await refusal(file)).toMatch(
        /^\$\.clients\[0\]\.redirectUris\[0\]: .* scheme, which is not allowed$/,
      );
    },
  );

  it("refuses a relative redirect URI", async () => {
    const file = withClient("relative", { redirectUris: ["/callback"] });

    expect(await refusal(file)).toBe(
      '$.clients[0].redirectUris[0]: "/callback" is not an absolute URI',
    );
  });

  it("refuses a wildcard among the '##'-separated post-logout redirect URIs", async () => {
    const attributes = { "post.logout.redirect.uris": "+##https://app.example/*" };
    const file = withClient("post-logout-wildcard", { attributes });

    expect(await refusal(file)).toMatch(
      /^\$\.clients\[0\]\.attributes\["post\.logout\.redirect\.uris"\]: .* has a wildcard/,
    );
  });

  it("refuses a PKCE method other than S256", async () => {
    const attributes = { "pkce.code.challenge.method": "plain" };
    const file = withClient("pkce-plain", { attributes });

    expect(await refusal(file)).toBe(
      '$.clients[0].attributes["pkce.code.challenge.method"]: ' +
        '"plain" is not supported; only "S256" is',
    );
  });

  it("refuses a client switch that is not the string true or false", async () => {
    const attributes = { "oauth2.device.authorization.grant.enabled": true };
    const file = withClient("device-flag", { attributes });

    expect(await refusal(file)).toMatch(
      /^\$\.clients\[0\]\.attributes\["oauth2\.device\.authorization\.grant\.enabled"\]: /,
    );
  });

  it("refuses a wildcard web origin", async () => {
    const file = withClient("origin-wildcard", { webOrigins: ["*"] });

    expect(await refusal(file)).toMatch(/^\$\.clients\[0\]\.webOrigins\[0\]: "\*" has a wildcard/);
  });

  it("refuses a credential type other than password", async () => {
    const file = withUser("otp", { credentials: [{ type: "otp", value: "123456" }] });

    expect(await refusal(file)).toBe(
      '$.users[0].credentials[0].type: "otp" credentials cannot be imported; only "password" can',
    );
  });

  it("refuses a user with neither username nor email", async () => {
    const file = realmFile("nameless", { users: [{ firstName: "Nobody" }] });

    expect(await refusal(file)).toBe("$.users[0].username: a user needs a username or an email");
  });

  it("refuses an email that is not an address", async () => {
    const file = withUser("bad-email", { email: "not-an-address" });

    expect(await refusal(file)).toBe("$.users[0].email: is not an email address");
  });

  it("refuses a service account for a public client", async () => {
    const file = withClient("public-service-account", { serviceAccountsEnabled: true });

    expect(await refusal(file)).toBe(
      "$.clients[0].serviceAccountsEnabled: " +
        "a public client cannot have a service account; only confidential ones can",
    );
  });

  it("refuses two clients whose service accounts share a lower-case username", async () => {
    const file = realmFile("shared-service-account", {
      clients: [
        { clientId: "App", secret: "s1", serviceAccountsEnabled: true },
        { clientId: "app", secret: "s2", serviceAccountsEnabled: true },
      ],
    });

    expect(await refusal(file)).toBe(
      '$.clients[1].serviceAccountsEnabled: "App" already has the service account ' +
        '"service-account-app"',
    );
  });

  it("refuses a service account user whose client has no service account", async () => {
    const file = realmFile("unlinked-service-account", {
      users: [{ username: "service-account-backend", serviceAccountClientId: "backend" }],
    });

    expect(await refusal(file)).toBe(
      '$.users[0].serviceAccountClientId: no client "backend" with serviceAccountsEnabled ' +
        "in this realm",
    );
  });

  it("refuses a user who takes the username of a client's service account", async () => {
    const file = realmFile("taken-service-account", {
      clients: [{ clientId: "backend", secret: "s1", serviceAccountsEnabled: true }],
      users: [{ username: "Service-Account-Backend", email: "sa@example.com" }],
    });

    expect(await refusal(file)).toBe(
      "$.users[0].username: another user in this realm already has this username",
    );
  });

  it("lists every problem in the file, each on its own line", async () => {
    const file = realmFile("many", {
      clients: [{ clientId: "a", publicClient: false }],
      users: [{ email: "bad" }],
    });

    expect((await refusal(file)).split("\n")).toEqual([
      "$.clients[0].secret: a confidential client (publicClient false) needs a secret",
      "$.users[0].email: is not an email address",
    ]);
  });
});
