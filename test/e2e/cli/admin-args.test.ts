import { describe, expect, it } from "vitest";
import { parseAdminArgs } from "../../../src/cli/admin-args";
import { renameRealm } from "../../../src/cli/rename-realm";

describe("the admin command's flags", () => {
  it("default to the local server and take credentials from the environment", () => {
    const env = { LATCHKEY_ADMIN_USER: "root", LATCHKEY_ADMIN_PASSWORD: "pw" };

    expect(parseAdminArgs(["export", "shop", "--users"], env)).toEqual({
      url: "http://127.0.0.1:8787",
      credentials: { kind: "password", username: "root", password: "pw" },
      command: { name: "export", realm: "shop", users: true, secrets: false, output: undefined },
    });
  });

  it("prefer flags to the environment and read --if-exists", () => {
    const env = { LATCHKEY_ADMIN_URL: "http://env.example" };
    const args = ["import", "f.json", "--url", "http://flag.example/", "--if-exists", "skip"];
    const flags = [...args, "--client-id", "ops", "--client-secret", "s"];

    expect(parseAdminArgs(flags, env)).toMatchObject({
      url: "http://flag.example",
      credentials: { kind: "client", clientId: "ops", clientSecret: "s" },
      command: { name: "import", file: "f.json", ifExists: "SKIP" },
    });
  });

  it("refuse an unknown policy, a user without a password and an unknown command", () => {
    expect(() => parseAdminArgs(["import", "f.json", "--if-exists", "merge"], {})).toThrow(
      "--if-exists must be fail, skip or overwrite",
    );
    expect(() => parseAdminArgs(["bootstrap", "--user", "root"], {})).toThrow(
      "--user needs --password",
    );
    expect(() => parseAdminArgs(["frob"], {})).toThrow('unknown command "frob"');
  });
});

describe("a realm file under another name", () => {
  it("renames the default role and every mention of it", () => {
    const file = {
      realm: "Shop",
      roles: { realm: [{ name: "default-roles-shop", composites: { realm: ["reader"] } }] },
      users: [{ username: "a", realmRoles: ["default-roles-shop", "reader"] }],
      groups: [{ name: "g", subGroups: [{ name: "h", realmRoles: ["default-roles-shop"] }] }],
    };

    const renamed = renameRealm(file, "Copy");

    expect(renamed).toMatchObject({
      realm: "Copy",
      roles: { realm: [{ name: "default-roles-copy" }] },
      users: [{ realmRoles: ["default-roles-copy", "reader"] }],
      groups: [{ subGroups: [{ realmRoles: ["default-roles-copy"] }] }],
    });
    expect(file.realm).toBe("Shop");
  });
});
