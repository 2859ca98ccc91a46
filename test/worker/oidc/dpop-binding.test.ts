import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { Browser } from "../support/browser";
import { backendAuthorization, backendCode, backendRequest, spaCode } from "../support/clients";
import {
  type DpopKey,
  dpopKey,
  dpopProof,
  seedDpopRealm,
  spaDpopRefresh,
  spaDpopTokens,
} from "../support/dpop";
import { authorizeUrl, postForm, redirectParams, signIn, tokenRequest } from "../support/oidc";
import { BACKEND_REDIRECT, SPA_REDIRECT } from "../support/realm";

type Body = Record<string, unknown>;

async function expectRefused(response: Response, error = "invalid_dpop_proof") {
  expect(response.status).toBe(400);
  expect(((await response.json()) as Body).error).toBe(error);
}

describe("DPoP-bound refresh tokens of public clients (RFC 9449 §5)", () => {
  it("binds the code exchange's access and refresh tokens to the key", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();

    const tokens = await spaDpopTokens(realm.oidc, key);
    expect(tokens.token_type).toBe("DPoP");
    expect(decodeJwt(tokens.access_token ?? "").cnf).toEqual({ jkt: key.jkt });
    expect(decodeJwt(tokens.refresh_token ?? "").cnf).toEqual({ jkt: key.jkt });
  });

  it("refreshes with a proof of the same key into new bound tokens", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const tokens = await spaDpopTokens(realm.oidc, key);

    const proof = await dpopProof(key, `${realm.oidc}/token`);
    const response = await spaDpopRefresh(realm.oidc, tokens.refresh_token ?? "", proof);
    expect(response.status).toBe(200);
    const next = (await response.json()) as Body;
    expect(next.token_type).toBe("DPoP");
    expect(decodeJwt(String(next.access_token)).cnf).toEqual({ jkt: key.jkt });
    expect(decodeJwt(String(next.refresh_token)).cnf).toEqual({ jkt: key.jkt });
  });

  it("refuses a refresh without a proof with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const tokens = await spaDpopTokens(realm.oidc, await dpopKey());

    await expectRefused(await spaDpopRefresh(realm.oidc, tokens.refresh_token ?? ""));
  });

  it("refuses a refresh proved with another key, and leaves the token usable", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const tokens = await spaDpopTokens(realm.oidc, key);

    const stolen = await dpopProof(await dpopKey(), `${realm.oidc}/token`);
    await expectRefused(await spaDpopRefresh(realm.oidc, tokens.refresh_token ?? "", stolen));

    const proof = await dpopProof(key, `${realm.oidc}/token`);
    const response = await spaDpopRefresh(realm.oidc, tokens.refresh_token ?? "", proof);
    expect(response.status).toBe(200);
  });
});

describe("DPoP with confidential clients (RFC 9449 §5)", () => {
  async function backendTokens(oidc: string, headers: Record<string, string> = {}) {
    const code = await backendCode(oidc);
    const response = await tokenRequest(
      oidc,
      { grant_type: "authorization_code", code, redirect_uri: BACKEND_REDIRECT },
      { authorization: backendAuthorization(), ...headers },
    );
    return (await response.json()) as Body;
  }

  it("leaves the refresh token unbound and binds only the access token", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const tokens = await backendTokens(realm.oidc, {
      dpop: await dpopProof(key, `${realm.oidc}/token`),
    });

    expect(decodeJwt(String(tokens.access_token)).cnf).toEqual({ jkt: key.jkt });
    expect(decodeJwt(String(tokens.refresh_token)).cnf).toBeUndefined();
  });

  it("refreshes without a proof into a bearer token, with one into a bound token", async () => {
    const realm = await seedDpopRealm();
    const tokens = await backendTokens(realm.oidc);
    const refresh = (token: unknown, headers: Record<string, string> = {}) =>
      tokenRequest(
        realm.oidc,
        { grant_type: "refresh_token", refresh_token: String(token) },
        { authorization: backendAuthorization(), ...headers },
      );

    const bearer = (await (await refresh(tokens.refresh_token)).json()) as Body;
    expect(bearer.token_type).toBe("Bearer");

    const key = await dpopKey();
    const proof = await dpopProof(key, `${realm.oidc}/token`);
    const bound = (await (await refresh(bearer.refresh_token, { dpop: proof })).json()) as Body;
    expect(bound.token_type).toBe("DPoP");
    expect(decodeJwt(String(bound.access_token)).cnf).toEqual({ jkt: key.jkt });
  });
});

describe("authorization code binding with dpop_jkt (RFC 9449 §10)", () => {
  async function exchange(oidc: string, code: string, verifier: string, proof: string) {
    return tokenRequest(
      oidc,
      {
        grant_type: "authorization_code",
        client_id: "spa",
        redirect_uri: SPA_REDIRECT,
        code,
        code_verifier: verifier,
      },
      { dpop: proof },
    );
  }

  it("redeems a code requested with dpop_jkt with a proof of that key", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const { code, verifier } = await spaCode(realm.oidc, { dpop_jkt: key.jkt });

    const response = await exchange(
      realm.oidc,
      code,
      verifier,
      await dpopProof(key, `${realm.oidc}/token`),
    );
    expect(response.status).toBe(200);
  });

  it("refuses to redeem it with a proof of another key with invalid_dpop_proof", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const { code, verifier } = await spaCode(realm.oidc, { dpop_jkt: key.jkt });

    const other = await dpopProof(await dpopKey(), `${realm.oidc}/token`);
    await expectRefused(await exchange(realm.oidc, code, verifier, other));
  });

  it("carries dpop_jkt through a pushed authorization request (RFC 9126)", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const pushed = await postForm(
      `${realm.oidc}/ext/par/request`,
      backendRequest({ dpop_jkt: key.jkt }),
      {
        authorization: backendAuthorization(),
      },
    );
    const { request_uri } = (await pushed.json()) as { request_uri: string };
    const url = authorizeUrl(realm.oidc, { client_id: "backend", request_uri });
    const code = redirectParams(await signIn(new Browser(), url)).get("code") ?? "";

    const exchange = (proof: string) =>
      tokenRequest(
        realm.oidc,
        { grant_type: "authorization_code", code, redirect_uri: BACKEND_REDIRECT },
        { authorization: backendAuthorization(), dpop: proof },
      );
    await expectRefused(await exchange(await dpopProof(await dpopKey(), `${realm.oidc}/token`)));
  });

  /** Pushes backend's request with a DPoP proof of `key`, and signs ada in through it. */
  async function pushedWithProof(oidc: string, key: DpopKey, extra: Record<string, string> = {}) {
    const pushed = await postForm(`${oidc}/ext/par/request`, backendRequest(extra), {
      authorization: backendAuthorization(),
      dpop: await dpopProof(key, `${oidc}/ext/par/request`),
    });
    return pushed;
  }

  async function codeThrough(oidc: string, pushed: Response) {
    expect(pushed.status).toBe(201);
    const { request_uri } = (await pushed.json()) as { request_uri: string };
    const url = authorizeUrl(oidc, { client_id: "backend", request_uri });
    return redirectParams(await signIn(new Browser(), url)).get("code") ?? "";
  }

  function backendExchange(oidc: string, code: string, proof: string) {
    return tokenRequest(
      oidc,
      { grant_type: "authorization_code", code, redirect_uri: BACKEND_REDIRECT },
      { authorization: backendAuthorization(), dpop: proof },
    );
  }

  it("binds the code to the key of a DPoP proof sent with the push (§10.1)", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const refused = await codeThrough(realm.oidc, await pushedWithProof(realm.oidc, key));
    const redeemed = await codeThrough(realm.oidc, await pushedWithProof(realm.oidc, key));

    const other = await dpopProof(await dpopKey(), `${realm.oidc}/token`);
    await expectRefused(await backendExchange(realm.oidc, refused, other));
    const own = await dpopProof(key, `${realm.oidc}/token`);
    const response = await backendExchange(realm.oidc, redeemed, own);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { token_type: string }).token_type).toBe("DPoP");
  });

  it("accepts a push whose dpop_jkt names the proof's key", async () => {
    const realm = await seedDpopRealm();
    const key = await dpopKey();
    const pushed = await pushedWithProof(realm.oidc, key, { dpop_jkt: key.jkt });

    expect(pushed.status).toBe(201);
  });

  it("refuses a push whose dpop_jkt names another key than its proof", async () => {
    const realm = await seedDpopRealm();
    const pushed = await pushedWithProof(realm.oidc, await dpopKey(), {
      dpop_jkt: (await dpopKey()).jkt,
    });

    expect(pushed.status).toBe(400);
    expect(((await pushed.json()) as { error: string }).error).toBe("invalid_dpop_proof");
  });

  it("refuses a push with a proof made for another endpoint", async () => {
    const realm = await seedDpopRealm();
    const pushed = await postForm(`${realm.oidc}/ext/par/request`, backendRequest(), {
      authorization: backendAuthorization(),
      dpop: await dpopProof(await dpopKey(), `${realm.oidc}/token`),
    });

    expect(pushed.status).toBe(400);
    expect(((await pushed.json()) as { error: string }).error).toBe("invalid_dpop_proof");
  });

  it("refuses a malformed dpop_jkt with invalid_request at the redirect_uri", async () => {
    const realm = await seedDpopRealm();
    const { browser } = await spaCode(realm.oidc);
    const url = `${realm.oidc}/auth?${new URLSearchParams({
      client_id: "spa",
      redirect_uri: SPA_REDIRECT,
      response_type: "code",
      scope: "openid",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
      dpop_jkt: "not a thumbprint",
    })}`;
    expect(redirectParams(await browser.get(url)).get("error")).toBe("invalid_request");
  });
});
