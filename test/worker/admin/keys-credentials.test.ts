import { env } from "cloudflare:test";
import { importSPKI } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { rotateNow } from "../../../src/keys/rotate";
import {
  adminFetch,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { adminEventKinds, recordAdminEvents } from "../support/admin-scopes";
import { USER_PASSWORD } from "../support/realm";
import { realmId } from "../support/store";

beforeAll(bootstrapMaster);

type KeyRep = Record<string, unknown> & { kid: string; algorithm: string; publicKey: string };
type CredentialRep = Record<string, unknown> & { id: string; type: string; userLabel?: string };

async function setup() {
  const realm = await seedAdminRealm();
  const token = await masterAdminToken();
  const base = `/${realm.name}`;
  const [ada] = (await (await adminFetch(`${base}/users?username=ada`, token)).json()) as {
    id: string;
  }[];
  return { realm, token, base, credentials: `${base}/users/${ada?.id}/credentials` };
}

describe("admin API keys (Keycloak's KeysMetadataRepresentation)", () => {
  it("lists the realm's signing keys with their public halves only", async () => {
    const { token, base } = await setup();

    const response = await adminFetch(`${base}/keys`, token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { active: Record<string, string>; keys: KeyRep[] };
    expect(Object.keys(body.active).sort()).toEqual(["ES256", "EdDSA", "RS256"]);
    const es256 = body.keys.find((key) => key.kid === body.active.ES256);
    expect(es256).toMatchObject({
      algorithm: "ES256",
      type: "EC",
      status: "ACTIVE",
      use: "SIG",
      providerId: "ecdsa-generated",
    });
    const pem = `-----BEGIN PUBLIC KEY-----\n${es256?.publicKey}\n-----END PUBLIC KEY-----`;
    await expect(importSPKI(pem, "ES256")).resolves.toBeDefined();
    expect(JSON.stringify(body)).not.toMatch(/"d"|privateJwk|sealed/i);
  });

  it("shows a key published ahead of rotation as PASSIVE, not in the active map", async () => {
    const { realm, token, base } = await setup();
    const next = await rotateNow(env as unknown as Env, await realmId(realm.name), "RS256");

    const body = (await (await adminFetch(`${base}/keys`, token)).json()) as {
      active: Record<string, string>;
      keys: KeyRep[];
    };
    expect(body.keys.find((key) => key.kid === next)).toMatchObject({
      status: "PASSIVE",
      type: "RSA",
      providerId: "rsa-generated",
    });
    expect(body.active.RS256).not.toBe(next);
  });

  it("asks view-realm to read keys", async () => {
    const realm = await seedAdminRealm(["view-users"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    expect((await adminFetch(`/${realm.name}/keys`, token)).status).toBe(403);
  });
});

describe("admin API user credentials (Keycloak's CredentialRepresentation)", () => {
  it("lists a user's password without its hash, labels it and deletes it", async () => {
    const { realm, token, credentials } = await setup();
    await recordAdminEvents(realm.name, token);

    const list = (await (await adminFetch(credentials, token)).json()) as CredentialRep[];
    expect(list).toEqual([
      { id: expect.any(String), type: "password", createdDate: expect.any(Number) },
    ]);
    const id = list[0]?.id;
    const label = await adminFetch(`${credentials}/${id}/userLabel`, token, {
      method: "PUT",
      body: "laptop",
      headers: { "content-type": "text/plain" },
    });
    expect(label.status).toBe(204);
    const labelled = (await (await adminFetch(credentials, token)).json()) as CredentialRep[];
    expect(labelled[0]?.userLabel).toBe("laptop");

    expect((await adminFetch(`${credentials}/${id}`, token, { method: "DELETE" })).status).toBe(
      204,
    );
    expect(await (await adminFetch(credentials, token)).json()).toEqual([]);
    await expect(passwordToken(realm.name, "cli", "ada", USER_PASSWORD)).rejects.toThrow();
    expect(await adminEventKinds(realm.name)).toContainEqual(["ACTION", "USER"]);
  });

  it("answers 404 for an unknown credential and 400 for a bad label", async () => {
    const { token, credentials } = await setup();
    const [password] = (await (await adminFetch(credentials, token)).json()) as CredentialRep[];

    expect((await adminFetch(`${credentials}/nope`, token, { method: "DELETE" })).status).toBe(404);
    const long = await adminFetch(`${credentials}/${password?.id}/userLabel`, token, {
      method: "PUT",
      body: "x".repeat(256),
    });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ errorMessage: expect.stringContaining("userLabel") });
    const unknownUser = credentials.replace(/users\/[^/]+/, "users/nope");
    expect((await adminFetch(unknownUser, token)).status).toBe(404);
  });

  it("asks view-users to list credentials and manage-users to change them", async () => {
    const realm = await seedAdminRealm(["view-users"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    const [ada] = (await (await adminFetch(`/${realm.name}/users?username=ada`, token)).json()) as {
      id: string;
    }[];
    const credentials = `/${realm.name}/users/${ada?.id}/credentials`;
    const [password] = (await (await adminFetch(credentials, token)).json()) as CredentialRep[];

    expect(password?.type).toBe("password");
    const del = await adminFetch(`${credentials}/${password?.id}`, token, { method: "DELETE" });
    expect(del.status).toBe(403);
  });
});
