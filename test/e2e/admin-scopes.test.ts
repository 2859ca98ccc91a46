import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type KeycloakAdminClient from "@keycloak/keycloak-admin-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapAdminClient } from "./harness/admin-client";
import { type LatchkeyServer, startLatchkey } from "./harness/latchkey-server";
import { writeRealmFile } from "./harness/realm-file";

const REALM = "kc-scopes";
const PASSWORD = "scoped-password-1";

let dir: string;
let latchkey: LatchkeyServer;
let admin: KeycloakAdminClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-scopes-"));
  latchkey = await startLatchkey("e2e", await writeRealmFile(dir, "http://127.0.0.1:9"));
  admin = await bootstrapAdminClient(latchkey.origin);
  await admin.realms.create({
    realm: REALM,
    enabled: true,
    clients: [{ clientId: "cli", publicClient: true, directAccessGrantsEnabled: true }],
  });
  admin.setConfig({ realmName: REALM });
});

afterAll(async () => {
  await latchkey?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("client scopes, mappers, keys, credentials, profile via keycloak-admin-client", () => {
  it("creates a scope with a mapper and makes it a realm default scope", async () => {
    const { id } = await admin.clientScopes.create({ name: "shop", protocol: "openid-connect" });
    await admin.clientScopes.addProtocolMapper(
      { id },
      {
        name: "tier",
        protocol: "openid-connect",
        protocolMapper: "oidc-hardcoded-claim-mapper",
        config: { "claim.name": "tier", "claim.value": "gold", "access.token.claim": "true" },
      },
    );
    const scope = await admin.clientScopes.findOneByName({ name: "shop" });
    expect(scope?.protocolMappers?.map((mapper) => mapper.name)).toEqual(["tier"]);
    await admin.clientScopes.addDefaultClientScope({ id });
    const defaults = await admin.clientScopes.listDefaultClientScopes();
    expect(defaults.map((entry) => entry.name)).toContain("shop");
  });

  it("maps a realm role to the scope and takes it back", async () => {
    const scope = await admin.clientScopes.findOneByName({ name: "shop" });
    const id = scope?.id ?? "";
    await admin.roles.create({ name: "buyer" });
    const buyer = await admin.roles.findOneByName({ name: "buyer" });
    const role = { id: buyer?.id ?? "", name: "buyer" };

    await admin.clientScopes.addRealmScopeMappings({ id }, [role]);
    const mapped = await admin.clientScopes.listRealmScopeMappings({ id });
    expect(mapped.map((entry) => entry.name)).toEqual(["buyer"]);
    await admin.clientScopes.delRealmScopeMappings({ id }, [role]);
    expect(await admin.clientScopes.listRealmScopeMappings({ id })).toEqual([]);
  });

  it("declares a user profile and refuses a user that breaks it", async () => {
    const profile = await admin.users.getProfile();
    await admin.users.updateProfile({
      ...profile,
      attributes: [
        ...(profile.attributes ?? []),
        { name: "team", required: { roles: ["admin"] }, validations: { length: { max: 8 } } },
      ],
    });
    await expect(admin.users.create({ username: "nobody", enabled: true })).rejects.toThrow();
    await admin.users.create({
      username: "lin",
      enabled: true,
      attributes: { team: ["red"] },
      credentials: [{ type: "password", value: PASSWORD, temporary: false }],
    });
  });

  it("labels the user's password and lists the realm's keys", async () => {
    const [lin] = await admin.users.find({ username: "lin", exact: true });
    const [password] = await admin.users.getCredentials({ id: lin?.id ?? "" });
    expect(password).toMatchObject({ type: "password" });
    await admin.users.updateCredentialLabel(
      { id: lin?.id ?? "", credentialId: password?.id ?? "" },
      "main",
    );
    const [labelled] = await admin.users.getCredentials({ id: lin?.id ?? "" });
    expect(labelled?.userLabel).toBe("main");

    const keys = await admin.realms.getKeys({ realm: REALM });
    expect(Object.keys(keys.active ?? {})).toContain("RS256");
    expect(keys.keys?.every((key) => key.publicKey && key.status)).toBe(true);
  });
});
