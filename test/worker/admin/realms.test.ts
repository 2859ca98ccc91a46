import { beforeAll, describe, expect, it } from "vitest";
import {
  adminFetch,
  adminSend,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { USER_PASSWORD } from "../support/realm";

beforeAll(bootstrapMaster);

describe("admin API realms (Keycloak's RealmRepresentation)", () => {
  it("bootstraps a master realm where nobody can sign up", async () => {
    const token = await masterAdminToken();

    const master = await adminFetch("/master", token);
    expect(await master.json()).toMatchObject({ realm: "master", registrationAllowed: false });
  });

  it("creates a realm with realm-management, answering 201 with its Location", async () => {
    const token = await masterAdminToken();
    const name = `made-${crypto.randomUUID().slice(0, 8)}`;

    const response = await adminSend("POST", "", token, { realm: name, enabled: true });
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toMatch(new RegExp(`/admin/realms/${name}$`));
    expect((await adminSend("POST", "", token, { realm: name })).status).toBe(409);
    const roles = await adminFetch(`/${name}/roles`, token);
    expect(roles.status).toBe(200);
  });

  it("refuses an invalid realm representation with 400", async () => {
    const token = await masterAdminToken();

    const response = await adminSend("POST", "", token, { realm: "" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errorMessage: expect.stringContaining("realm") });
  });

  it("lets only master's administrators create realms", async () => {
    const realm = await seedAdminRealm(["realm-admin"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    expect((await adminSend("POST", "", token, { realm: "nope" })).status).toBe(401);
  });

  it("updates supported settings and refuses invalid ones with 400", async () => {
    const realm = await seedAdminRealm(["manage-realm"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    const update = { displayName: "Shop", failureFactor: 5, somethingElse: true };
    expect((await adminSend("PUT", `/${realm.name}`, token, update)).status).toBe(204);
    const read = await adminFetch(`/${realm.name}`, token);
    expect(await read.json()).toMatchObject({ displayName: "Shop", failureFactor: 5 });
    const invalid = await adminSend("PUT", `/${realm.name}`, token, { failureFactor: "x" });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      errorMessage: expect.stringContaining("failureFactor"),
    });
  });

  it("reads and updates the passwordless WebAuthn policy with Keycloak's field names", async () => {
    const realm = await seedAdminRealm(["manage-realm"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    const fresh = await (await adminFetch(`/${realm.name}`, token)).json();
    expect(fresh).toMatchObject({
      webAuthnPolicyPasswordlessRpId: "",
      webAuthnPolicyPasswordlessUserVerificationRequirement: "required",
      webAuthnPolicyPasswordlessSignatureAlgorithms: ["ES256", "RS256"],
    });

    const update = {
      webAuthnPolicyPasswordlessUserVerificationRequirement: "preferred",
      webAuthnPolicyPasswordlessExtraOrigins: ["https://app.example"],
    };
    expect((await adminSend("PUT", `/${realm.name}`, token, update)).status).toBe(204);
    const read = await (await adminFetch(`/${realm.name}`, token)).json();
    expect(read).toMatchObject({ ...update, webAuthnPolicyPasswordlessRequireResidentKey: "Yes" });

    const invalid = { webAuthnPolicyPasswordlessSignatureAlgorithms: ["HS256"] };
    const refused = await adminSend("PUT", `/${realm.name}`, token, invalid);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      errorMessage: expect.stringContaining("webAuthnPolicyPasswordlessSignatureAlgorithms"),
    });
  });
});
