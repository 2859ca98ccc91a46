import { describe, expect, it } from "vitest";
import { authorize, callbackParams } from "../support/authorization";
import { Browser } from "../support/browser";
import { basicAuthorization } from "../support/clients";
import { authorizeUrl, pkcePair, signIn, tokenRequest } from "../support/oidc";
import { expectErrorPage, expectLoginPage } from "../support/pages";
import { seedRealm } from "../support/realm";

const NATIVE_V4 = "http://127.0.0.1/cb";
const NATIVE_V6 = "http://[::1]:8080/cb?app=1";
const NATIVE_LOCALHOST = "http://localhost:7000/cb";
const CONFIDENTIAL_LOOPBACK = "http://127.0.0.1:8400/cb";
const SECRET = "loopback-secret";

/** A public client `native` and a confidential client `desktop`, both on loopback. */
function loopbackRealm() {
  return seedRealm({
    clients: [
      {
        clientId: "native",
        publicClient: true,
        redirectUris: [NATIVE_V4, NATIVE_V6, NATIVE_LOCALHOST],
      },
      { clientId: "desktop", secret: SECRET, redirectUris: [CONFIDENTIAL_LOOPBACK] },
    ],
  });
}

async function nativeRequest(redirectUri: string) {
  const { challenge, verifier } = await pkcePair();
  const params = {
    client_id: "native",
    redirect_uri: redirectUri,
    response_type: "code",
    scope: "openid",
    code_challenge: challenge,
    code_challenge_method: "S256",
  };
  return { params, verifier };
}

function desktopRequest(redirectUri: string) {
  return {
    client_id: "desktop",
    redirect_uri: redirectUri,
    response_type: "code",
    scope: "openid",
  };
}

describe("loopback redirect URIs of native apps (RFC 8252 §7.3)", () => {
  it.each([
    ["the registered URI itself", NATIVE_V4],
    ["an IPv4 loopback URI on any port", "http://127.0.0.1:51234/cb"],
    ["an IPv6 loopback URI on another port", "http://[::1]:49152/cb?app=1"],
    ["an IPv6 loopback URI without a port", "http://[::1]/cb?app=1"],
  ])("accepts %s for a public client", async (_case, redirectUri) => {
    const realm = await loopbackRealm();
    const { params } = await nativeRequest(redirectUri);

    await expectLoginPage(await authorize(realm.oidc, params));
  });

  it.each([
    ["another path", "http://127.0.0.1:5000/other"],
    ["a longer path", "http://127.0.0.1:5000/cb/"],
    ["a path that resolves to the registered one", "http://127.0.0.1:5000/x/../cb"],
    ["an added query", "http://127.0.0.1:5000/cb?x=1"],
    ["another query", "http://[::1]:5000/cb?app=2"],
    ["a fragment", "http://127.0.0.1:5000/cb#frag"],
    ["localhost instead of the IP literal", "http://localhost:5000/cb"],
    ["another loopback address", "http://127.0.0.2:5000/cb"],
    ["another spelling of 127.0.0.1", "http://0x7f.0.0.1:5000/cb"],
    ["the IPv6 registration's query on IPv4", "http://127.0.0.1:5000/cb?app=1"],
    ["https", "https://127.0.0.1:5000/cb"],
    ["userinfo making another host", "http://127.0.0.1:5000@evil.example/cb"],
    ["userinfo before the loopback host", "http://evil.example@127.0.0.1:5000/cb"],
    ["port 0", "http://127.0.0.1:0/cb"],
    ["a port past 65535", "http://127.0.0.1:65536/cb"],
    ["a registered localhost URI on another port", "http://localhost:7001/cb"],
  ])("refuses %s for a public client", async (_case, redirectUri) => {
    const realm = await loopbackRealm();
    const { params } = await nativeRequest(redirectUri);

    await expectErrorPage(await authorize(realm.oidc, params), "error.invalidRedirectUri");
  });

  it("matches a confidential client's loopback URI exactly", async () => {
    const realm = await loopbackRealm();

    await expectLoginPage(await authorize(realm.oidc, desktopRequest(CONFIDENTIAL_LOOPBACK)));
    const otherPort = desktopRequest("http://127.0.0.1:8401/cb");
    await expectErrorPage(await authorize(realm.oidc, otherPort), "error.invalidRedirectUri");
    const noPort = desktopRequest("http://127.0.0.1/cb");
    await expectErrorPage(await authorize(realm.oidc, noPort), "error.invalidRedirectUri");
  });

  it("sends the response to the port of the request", async () => {
    const realm = await loopbackRealm();
    const redirectUri = "http://127.0.0.1:51234/cb";
    const { params } = await nativeRequest(redirectUri);

    const callback = callbackParams(
      await signIn(new Browser(), authorizeUrl(realm.oidc, params)),
      redirectUri,
    );
    expect(callback.get("code")).toBeTruthy();
  });

  it("exchanges the code only with the exact redirect_uri of the request", async () => {
    const realm = await loopbackRealm();
    const redirectUri = "http://127.0.0.1:51234/cb";

    const exchange = async (exchangedUri: string) => {
      const { params, verifier } = await nativeRequest(redirectUri);
      const response = await signIn(new Browser(), authorizeUrl(realm.oidc, params));
      return tokenRequest(realm.oidc, {
        grant_type: "authorization_code",
        client_id: "native",
        code: callbackParams(response, redirectUri).get("code") ?? "",
        redirect_uri: exchangedUri,
        code_verifier: verifier,
      });
    };

    for (const other of [NATIVE_V4, "http://127.0.0.1:51235/cb"]) {
      const refused = await exchange(other);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toBe("invalid_grant");
    }
    expect((await exchange(redirectUri)).status).toBe(200);
  });

  it("still lets the confidential client exchange with its exact URI", async () => {
    const realm = await loopbackRealm();
    const response = await signIn(
      new Browser(),
      authorizeUrl(realm.oidc, desktopRequest(CONFIDENTIAL_LOOPBACK)),
    );

    const token = await tokenRequest(
      realm.oidc,
      {
        grant_type: "authorization_code",
        code: callbackParams(response, CONFIDENTIAL_LOOPBACK).get("code") ?? "",
        redirect_uri: CONFIDENTIAL_LOOPBACK,
      },
      { authorization: basicAuthorization("desktop", SECRET) },
    );
    expect(token.status).toBe(200);
  });
});
