import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { backendTokens, basicAuthorization } from "../support/clients";
import {
  answerDevice,
  authorizeDevice,
  DEVICE_GRANT,
  deviceBrowser,
  seedDeviceRealm,
} from "../support/device";
import { dpopKey, dpopProof } from "../support/dpop";
import { tokenRequest } from "../support/oidc";
import { BACKEND_REDIRECT, BACKEND_SECRET, seedRealm } from "../support/realm";

type Body = Record<string, unknown>;

const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

describe("DPoP with the device code grant (RFC 9449 §5, RFC 8628 §3.4)", () => {
  it("binds the device's access and refresh tokens to the key of its proof", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);
    const { browser } = await deviceBrowser(realm.name);
    await answerDevice(browser, realm.name, device.user_code, "approve");
    const key = await dpopKey();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: DEVICE_GRANT, client_id: "tv", device_code: device.device_code },
      { dpop: await dpopProof(key, `${realm.oidc}/token`) },
    );
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Body;
    expect(tokens.token_type).toBe("DPoP");
    expect(decodeJwt(String(tokens.access_token)).cnf).toEqual({ jkt: key.jkt });
    expect(decodeJwt(String(tokens.refresh_token)).cnf).toEqual({ jkt: key.jkt });
  });
});

describe("DPoP with token exchange (RFC 9449 §5, RFC 8693)", () => {
  const enabled = { "standard.token.exchange.enabled": "true" };

  function seedExchangeRealm() {
    return seedRealm({
      clients: [
        {
          clientId: "backend",
          secret: BACKEND_SECRET,
          redirectUris: [BACKEND_REDIRECT],
          attributes: enabled,
        },
      ],
    });
  }

  function exchange(oidc: string, subjectToken: string, proof?: string) {
    return tokenRequest(
      oidc,
      {
        grant_type: EXCHANGE,
        subject_token: subjectToken,
        subject_token_type: ACCESS_TOKEN_TYPE,
      },
      {
        authorization: basicAuthorization("backend", BACKEND_SECRET),
        ...(proof === undefined ? {} : { dpop: proof }),
      },
    );
  }

  it("binds the exchanged token to the key of the request's proof", async () => {
    const realm = await seedExchangeRealm();
    const tokens = await backendTokens(realm.oidc);
    const key = await dpopKey();

    const response = await exchange(
      realm.oidc,
      tokens.access_token ?? "",
      await dpopProof(key, `${realm.oidc}/token`),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Body;
    expect(body.token_type).toBe("DPoP");
    expect(decodeJwt(String(body.access_token)).cnf).toEqual({ jkt: key.jkt });
  });

  it("refuses a DPoP-bound subject token without a proof of its key", async () => {
    const realm = await seedExchangeRealm();
    const key = await dpopKey();
    const bound = (await (
      await exchange(
        realm.oidc,
        (await backendTokens(realm.oidc)).access_token ?? "",
        await dpopProof(key, `${realm.oidc}/token`),
      )
    ).json()) as Body;
    // The exchanged token names `backend` as its audience, so it may be exchanged again.
    const subject = String(bound.access_token);

    const refused = await exchange(realm.oidc, subject);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Body).error).toBe("invalid_dpop_proof");

    const proved = await exchange(realm.oidc, subject, await dpopProof(key, `${realm.oidc}/token`));
    expect(proved.status).toBe(200);
  });
});
