import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { signedInBrowser } from "../support/authorization";
import { backendAuthorization } from "../support/clients";
import {
  answerDevice,
  authorizeDevice,
  DEVICE_GRANT,
  pollToken,
  seedDeviceRealm,
  setDeviceCodeCreatedAt,
  setDeviceCodeExpiry,
  setDeviceCodeLastPoll,
} from "../support/device";
import { tokenRequest } from "../support/oidc";

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

/** A device authorization of `tv`, approved or denied by ada in a signed-in browser. */
async function answered(decision: "approve" | "deny") {
  const realm = await seedDeviceRealm();
  const device = await authorizeDevice(realm.oidc);
  const { browser, sid } = await signedInBrowser(realm.oidc);
  const answer = await answerDevice(browser, realm.name, device.user_code, decision);
  expect(answer.status).toBe(200);
  return { realm, device, sid };
}

describe("device code grant (RFC 8628 §3.4, §3.5)", () => {
  it("answers authorization_pending while the person has not answered", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);

    await expectError(
      await pollToken(realm.oidc, device.device_code),
      400,
      "authorization_pending",
    );
  });

  it("answers slow_down to a poll sooner than the interval", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);

    await expectError(
      await pollToken(realm.oidc, device.device_code),
      400,
      "authorization_pending",
    );
    await expectError(await pollToken(realm.oidc, device.device_code), 400, "slow_down");
  });

  it("grows the interval by 5 seconds with each slow_down (§3.5)", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);
    await pollToken(realm.oidc, device.device_code);
    await expectError(await pollToken(realm.oidc, device.device_code), 400, "slow_down");

    // 7 seconds would do for the first interval of 5, not for the grown one of 10.
    const now = Math.floor(Date.now() / 1000);
    await setDeviceCodeLastPoll(device.device_code, now - 7);
    await expectError(await pollToken(realm.oidc, device.device_code), 400, "slow_down");

    await setDeviceCodeLastPoll(device.device_code, now - 15);
    await expectError(
      await pollToken(realm.oidc, device.device_code),
      400,
      "authorization_pending",
    );
  });

  it("issues tokens once approved, in the session the approval was given in", async () => {
    const { realm, device, sid } = await answered("approve");

    const response = await pollToken(realm.oidc, device.device_code);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Record<string, string>;
    expect(tokens.token_type).toBe("Bearer");
    expect(tokens.scope).toBe("openid profile email");
    expect(tokens.session_state).toBe(sid);
    const access = decodeJwt(tokens.access_token ?? "");
    expect(access).toMatchObject({ azp: "tv", sid, preferred_username: "ada" });
    expect(decodeJwt(tokens.id_token ?? "")).toMatchObject({ aud: "tv", sid });
  });

  it("refuses a device code used twice and revokes the tokens it gave", async () => {
    const { realm, device } = await answered("approve");
    const first = (await (await pollToken(realm.oidc, device.device_code)).json()) as Record<
      string,
      string
    >;

    await expectError(await pollToken(realm.oidc, device.device_code), 400, "invalid_grant");
    const refresh = await tokenRequest(realm.oidc, {
      grant_type: "refresh_token",
      client_id: "tv",
      refresh_token: first.refresh_token ?? "",
    });
    await expectError(refresh, 400, "invalid_grant");
  });

  it("answers access_denied once the person denied", async () => {
    const { realm, device } = await answered("deny");

    await expectError(await pollToken(realm.oidc, device.device_code), 400, "access_denied");
  });

  it("answers expired_token for a device code past its lifetime, approved or not", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);
    await setDeviceCodeExpiry(device.device_code, Math.floor(Date.now() / 1000) - 1);

    await expectError(await pollToken(realm.oidc, device.device_code), 400, "expired_token");
  });

  it("refuses an approved device code past its lifetime", async () => {
    const { realm, device } = await answered("approve");
    await setDeviceCodeExpiry(device.device_code, Math.floor(Date.now() / 1000) - 1);

    await expectError(await pollToken(realm.oidc, device.device_code), 400, "expired_token");
  });

  it("refuses an unknown device code with invalid_grant", async () => {
    const realm = await seedDeviceRealm();

    await expectError(await pollToken(realm.oidc, "not-a-device-code"), 400, "invalid_grant");
  });

  it("refuses a device code issued to another client with invalid_grant", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);

    // `spa` has the grant off: it gets unauthorized_client before the code is looked at.
    await expectError(
      await pollToken(realm.oidc, device.device_code, "spa"),
      400,
      "unauthorized_client",
    );
  });

  it("answers unauthorized_client to a client without the grant enabled", async () => {
    const realm = await seedDeviceRealm();

    const response = await tokenRequest(
      realm.oidc,
      { grant_type: DEVICE_GRANT, device_code: "anything" },
      { authorization: backendAuthorization() },
    );
    await expectError(response, 400, "unauthorized_client");
  });

  it("answers invalid_request without a device_code", async () => {
    const realm = await seedDeviceRealm();

    const response = await tokenRequest(realm.oidc, { grant_type: DEVICE_GRANT, client_id: "tv" });
    await expectError(response, 400, "invalid_request");
  });

  it("gives acr 1 when the person signed in after the device asked", async () => {
    const { realm, device } = await answered("approve");

    const tokens = (await (await pollToken(realm.oidc, device.device_code)).json()) as {
      access_token: string;
      id_token: string;
    };
    expect(decodeJwt(tokens.access_token).acr).toBe("1");
    expect(decodeJwt(tokens.id_token).acr).toBe("1");
  });

  it("gives acr 0 when a session from before the device asked approved it", async () => {
    const realm = await seedDeviceRealm();
    const device = await authorizeDevice(realm.oidc);
    const { browser } = await signedInBrowser(realm.oidc);
    // The device asked a minute after this sign-in.
    await setDeviceCodeCreatedAt(device.device_code, Math.floor(Date.now() / 1000) + 60);
    await answerDevice(browser, realm.name, device.user_code, "approve");

    const tokens = (await (await pollToken(realm.oidc, device.device_code)).json()) as {
      access_token: string;
    };
    expect(decodeJwt(tokens.access_token).acr).toBe("0");
  });
});
