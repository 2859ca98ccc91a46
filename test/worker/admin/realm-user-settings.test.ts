import { beforeAll, describe, expect, it } from "vitest";
import {
  adminFetch,
  adminSend,
  bootstrapMaster,
  masterAdminToken,
  seedAdminRealm,
} from "../support/admin";

beforeAll(bootstrapMaster);

async function setup() {
  const realm = await seedAdminRealm();
  const token = await masterAdminToken();
  const base = `/${realm.name}`;
  const [ada] = (await (await adminFetch(`${base}/users?username=ada`, token)).json()) as {
    id: string;
  }[];
  return { realm, token, base, ada: `${base}/users/${ada?.id}` };
}

describe("admin API realm settings that PUT used to ignore", () => {
  it("keeps defaultLocale, defaultSignatureAlgorithm and editUsernameAllowed", async () => {
    const { token, base } = await setup();
    const update = {
      defaultLocale: "de",
      defaultSignatureAlgorithm: "EdDSA",
      editUsernameAllowed: true,
    };

    expect((await adminSend("PUT", base, token, update)).status).toBe(204);
    expect(await (await adminFetch(base, token)).json()).toMatchObject(update);
    expect((await adminSend("PUT", base, token, { defaultSignatureAlgorithm: "" })).status).toBe(
      204,
    );
    const reset = (await (await adminFetch(base, token)).json()) as Record<string, unknown>;
    expect(reset.defaultSignatureAlgorithm).toBeUndefined();
  });

  it("refuses an unsupported algorithm, a bad locale and a rename with 400", async () => {
    const { realm, token, base } = await setup();
    const refused = async (body: unknown, words: string) => {
      const response = await adminSend("PUT", base, token, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errorMessage: expect.stringContaining(words) });
    };

    await refused({ defaultSignatureAlgorithm: "HS256" }, "defaultSignatureAlgorithm");
    await refused({ defaultLocale: "not a locale" }, "defaultLocale");
    await refused({ realm: `${realm.name}-renamed` }, "renaming");
    expect((await adminSend("PUT", base, token, { realm: realm.name })).status).toBe(204);
  });
});

describe("admin API username changes (Keycloak's editUsernameAllowed)", () => {
  it("refuses a username change while the realm does not allow it", async () => {
    const { token, ada } = await setup();

    const response = await adminSend("PUT", ada, token, { username: "ada2" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      field: "username",
      errorMessage: "error-user-attribute-read-only",
    });
    expect(await (await adminFetch(ada, token)).json()).toMatchObject({ username: "ada" });
    expect((await adminSend("PUT", ada, token, { username: "ADA", firstName: "A" })).status).toBe(
      204,
    );
  });

  it("changes the username where the realm allows it, refusing a taken one", async () => {
    const { token, base, ada } = await setup();
    await adminSend("PUT", base, token, { editUsernameAllowed: true });
    expect((await adminSend("POST", `${base}/users`, token, { username: "bob" })).status).toBe(201);

    expect((await adminSend("PUT", ada, token, { username: "ada2" })).status).toBe(204);
    expect(await (await adminFetch(ada, token)).json()).toMatchObject({ username: "ada2" });
    const taken = await adminSend("PUT", ada, token, { username: "Bob" });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ errorMessage: "User exists with same username" });
  });
});
