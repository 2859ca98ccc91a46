import { describe, expect, it } from "vitest";
import {
  corsRealm,
  EVIL_ORIGIN,
  expectNotReadable,
  expectReadableFrom,
  OTHER_ORIGIN,
  post,
  preflight,
  SPA_ORIGIN,
} from "../support/cors";
import { signInAndExchange } from "../support/oidc";
import { SPA_REDIRECT } from "../support/realm";

describe("CORS at the logout endpoint (keycloak-js POSTs it; Keycloak webOrigins)", () => {
  it("answers a preflight from a registered web origin", async () => {
    const realm = await corsRealm();
    const response = await preflight(`${realm.oidc}/logout`, SPA_ORIGIN);

    expect(response.status).toBe(204);
    expectReadableFrom(response, SPA_ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST");
  });

  it("gives an unknown origin's preflight no CORS headers", async () => {
    const realm = await corsRealm();

    expectNotReadable(await preflight(`${realm.oidc}/logout`, EVIL_ORIGIN));
  });

  it("lets the named client's web origin read the logout answer", async () => {
    const realm = await corsRealm();
    const response = await post(
      `${realm.oidc}/logout`,
      { client_id: "spa" },
      {
        origin: SPA_ORIGIN,
      },
    );

    expect(response.status).toBe(200);
    expectReadableFrom(response, SPA_ORIGIN);
  });

  it("names the client by the id_token_hint's azp when no client_id is sent", async () => {
    const realm = await corsRealm();
    const { tokens } = await signInAndExchange(realm.oidc);
    const response = await post(
      `${realm.oidc}/logout`,
      { id_token_hint: tokens.id_token ?? "" },
      { origin: SPA_ORIGIN },
    );

    expectReadableFrom(response, SPA_ORIGIN);
  });

  it("gives another client's web origin no CORS headers", async () => {
    const realm = await corsRealm();
    const response = await post(
      `${realm.oidc}/logout`,
      { client_id: "spa" },
      {
        origin: OTHER_ORIGIN,
      },
    );

    expectNotReadable(response);
  });

  it("gives an unknown origin no CORS headers", async () => {
    const realm = await corsRealm();
    const response = await post(
      `${realm.oidc}/logout`,
      { client_id: "spa" },
      {
        origin: EVIL_ORIGIN,
      },
    );

    expectNotReadable(response);
  });
});

describe("CORS at the pushed authorization request endpoint (RFC 9126)", () => {
  const pushed = {
    client_id: "spa",
    redirect_uri: SPA_REDIRECT,
    response_type: "code",
    scope: "openid",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
  };

  it("answers a preflight from a registered web origin", async () => {
    const realm = await corsRealm();
    const response = await preflight(`${realm.oidc}/ext/par/request`, SPA_ORIGIN);

    expect(response.status).toBe(204);
    expectReadableFrom(response, SPA_ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toBe("POST");
  });

  it("gives an unknown origin's preflight no CORS headers", async () => {
    const realm = await corsRealm();

    expectNotReadable(await preflight(`${realm.oidc}/ext/par/request`, EVIL_ORIGIN));
  });

  it("lets the client's web origin read its request_uri", async () => {
    const realm = await corsRealm();
    const response = await post(`${realm.oidc}/ext/par/request`, pushed, { origin: SPA_ORIGIN });

    expect(response.status).toBe(201);
    expectReadableFrom(response, SPA_ORIGIN);
  });

  it("gives an unknown origin no CORS headers", async () => {
    const realm = await corsRealm();
    const response = await post(`${realm.oidc}/ext/par/request`, pushed, { origin: EVIL_ORIGIN });

    expect(response.status).toBe(201);
    expectNotReadable(response);
  });
});
