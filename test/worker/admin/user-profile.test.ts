import { beforeAll, describe, expect, it } from "vitest";
import {
  adminFetch,
  adminSend,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { adminEventKinds, createdId, recordAdminEvents } from "../support/admin-scopes";
import { USER_PASSWORD } from "../support/realm";

beforeAll(bootstrapMaster);

type Profile = { attributes: { name: string }[]; unmanagedAttributePolicy?: string };

const both = { view: ["admin", "user"], edit: ["admin", "user"] };

/** A profile declaring a required, validated `phone` and an admin-read-only `tier`. */
const declared = {
  attributes: [
    { name: "username", validations: { length: { min: 3, max: 40 } }, permissions: both },
    { name: "email", validations: { email: {} }, permissions: both },
    { name: "firstName", validations: { "person-name-prohibited-characters": {} } },
    {
      name: "phone",
      required: { roles: ["admin", "user"] },
      validations: { pattern: { pattern: "^\\+[0-9]{6,15}$", "error-message": "bad-phone" } },
      permissions: both,
    },
    {
      name: "tier",
      validations: { options: { options: ["gold", "silver"] } },
      permissions: { view: ["admin"], edit: [] },
    },
  ],
};

async function setup() {
  const realm = await seedAdminRealm();
  const token = await masterAdminToken();
  const base = `/${realm.name}`;
  return { realm, token, base, users: `${base}/users`, profile: `${base}/users/profile` };
}

async function fieldError(response: Response, field: string, errorMessage: string) {
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ field, errorMessage });
}

describe("admin API declared user profile (Keycloak's UPConfig)", () => {
  it("answers Latchkey's default profile, which keeps unmanaged attributes", async () => {
    const { token, profile, users } = await setup();

    const body = (await (await adminFetch(profile, token)).json()) as Profile;
    expect(body.attributes.map((attribute) => attribute.name)).toEqual([
      "username",
      "email",
      "firstName",
      "lastName",
    ]);
    expect(body.unmanagedAttributePolicy).toBe("ENABLED");
    const free = { username: "free", attributes: { anything: ["goes"] } };
    expect((await adminSend("POST", users, token, free)).status).toBe(201);
  });

  it("stores a profile and checks created users against it", async () => {
    const { realm, token, profile, users } = await setup();
    await recordAdminEvents(realm.name, token);

    const put = await adminSend("PUT", profile, token, declared);
    expect(put.status).toBe(200);
    expect(((await (await adminFetch(profile, token)).json()) as Profile).attributes).toHaveLength(
      5,
    );
    expect(await adminEventKinds(realm.name)).toContainEqual(["UPDATE", "USER_PROFILE"]);

    const phone = { phone: ["+4912345678"] };
    await fieldError(
      await adminSend("POST", users, token, { username: "nophone" }),
      "phone",
      "error-user-attribute-required",
    );
    await fieldError(
      await adminSend("POST", users, token, { username: "bad", attributes: { phone: ["12"] } }),
      "phone",
      "bad-phone",
    );
    await fieldError(
      await adminSend("POST", users, token, { username: "ab", attributes: phone }),
      "username",
      "error-invalid-length",
    );
    await fieldError(
      await adminSend("POST", users, token, {
        username: "eve",
        firstName: "<b>",
        attributes: phone,
      }),
      "firstName",
      "error-person-name-invalid-character",
    );
    await fieldError(
      await adminSend("POST", users, token, {
        username: "tim",
        attributes: { ...phone, tier: ["gold"] },
      }),
      "tier",
      "error-user-attribute-read-only",
    );
    await fieldError(
      await adminSend("POST", users, token, {
        username: "sam",
        attributes: { ...phone, x: ["1"] },
      }),
      "x",
      "error-user-attribute-read-only",
    );
    createdId(await adminSend("POST", users, token, { username: "joy", attributes: phone }));
  });

  it("checks a user's update against the profile, leaving the user as it was", async () => {
    const { token, profile, users } = await setup();
    await adminSend("PUT", profile, token, declared);
    const id = createdId(
      await adminSend("POST", users, token, {
        username: "joy",
        attributes: { phone: ["+4912345678"] },
      }),
    );

    const cleared = await adminSend("PUT", `${users}/${id}`, token, { attributes: {} });
    await fieldError(cleared, "phone", "error-user-attribute-required");
    expect(await (await adminFetch(`${users}/${id}`, token)).json()).toMatchObject({
      attributes: { phone: ["+4912345678"] },
    });
    expect((await adminSend("PUT", `${users}/${id}`, token, { firstName: "Joy" })).status).toBe(
      204,
    );
  });

  it("hides attributes admins may not view and keeps those they may not edit", async () => {
    const { token, profile, users } = await setup();
    const attributes = { tier: ["gold"], secret: ["x"], loose: ["y"] };
    const id = createdId(await adminSend("POST", users, token, { username: "kim", attributes }));
    const original = await (await adminFetch(profile, token)).json();
    await adminSend("PUT", profile, token, {
      attributes: [
        { name: "username" },
        { name: "email" },
        { name: "tier", permissions: { view: ["admin"], edit: [] } },
        { name: "secret", permissions: { view: ["user"], edit: ["user"] } },
      ],
    });

    const shown = (await (await adminFetch(`${users}/${id}`, token)).json()) as {
      attributes: Record<string, string[]>;
    };
    expect(shown.attributes).toEqual({ tier: ["gold"] });
    const put = await adminSend("PUT", `${users}/${id}`, token, { attributes: shown.attributes });
    expect(put.status).toBe(204);
    const changed = await adminSend("PUT", `${users}/${id}`, token, {
      attributes: { tier: ["silver"] },
    });
    await fieldError(changed, "tier", "error-user-attribute-read-only");
    await adminSend("PUT", profile, token, original);
    const kept = await (await adminFetch(`${users}/${id}`, token)).json();
    expect(kept).toMatchObject({ attributes });
  });

  it("answers the profile's metadata for user forms", async () => {
    const { token, profile } = await setup();
    await adminSend("PUT", profile, token, declared);

    const metadata = (await (await adminFetch(`${profile}/metadata`, token)).json()) as {
      attributes: { name: string; required: boolean; readOnly: boolean }[];
    };
    expect(metadata.attributes.find((attribute) => attribute.name === "phone")).toMatchObject({
      required: true,
      readOnly: false,
    });
    expect(metadata.attributes.find((attribute) => attribute.name === "tier")).toMatchObject({
      required: false,
      readOnly: true,
    });
  });

  it("refuses an invalid profile with 400 naming the problem", async () => {
    const { token, profile } = await setup();
    const refused = async (body: unknown, words: string) => {
      const response = await adminSend("PUT", profile, token, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errorMessage: expect.stringContaining(words) });
    };

    await refused({ attributes: [{ name: "email" }] }, "username");
    await refused(
      { attributes: [{ name: "username" }, { name: "email", validations: { script: {} } }] },
      "unknown validator",
    );
    await refused(
      {
        attributes: [
          { name: "username" },
          { name: "email", validations: { pattern: { pattern: "(" } } },
        ],
      },
      "regular expression",
    );
    await refused(
      {
        attributes: [
          { name: "username" },
          { name: "email", validations: { pattern: { pattern: "^(a+)+$" } } },
        ],
      },
      "exponential time",
    );
    await refused(
      { attributes: [{ name: "username" }, { name: "email" }, { name: "email" }] },
      "twice",
    );
  });

  it("asks view-realm to read the profile and manage-realm to change it", async () => {
    const realm = await seedAdminRealm(["view-realm"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);
    const profile = `/${realm.name}/users/profile`;

    expect((await adminFetch(profile, token)).status).toBe(200);
    expect((await adminSend("PUT", profile, token, declared)).status).toBe(403);
  });
});
