import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { sha256 } from "../../../src/crypto/digest";
import { database } from "../../../src/db/client";
import { listDataAccess } from "../../../src/events/data-access";
import { clearRealmCache } from "../../../src/http/realm-context";
import { importRealm } from "../../../src/realm-import/import-realm";
import {
  adminFetch,
  bootstrapMaster,
  masterAdminToken,
  passwordToken,
  seedAdminRealm,
} from "../support/admin";
import { eventually } from "../support/events";
import { BACKEND_SECRET, USER_PASSWORD } from "../support/realm";
import { realmId } from "../support/store";

const db = database((env as unknown as Env).DB);

beforeAll(bootstrapMaster);

const WEBHOOK_SECRET = `whsec_${btoa("0123456789abcdef01234567")}`;

type Exported = {
  realm: string;
  clients?: { clientId: string; secret?: string; attributes: Record<string, string> }[];
  roles?: { realm: { name: string; composites?: { realm: string[] } }[] };
  groups?: { name: string; path: string; realmRoles: string[] }[];
  webhooks?: { url: string; secret?: string }[];
  users?: { username: string; groups: string[]; realmRoles: string[]; credentials?: unknown[] }[];
};

/** A realm with a confidential client, a composite role, a group and ada in it. */
function seedExportRealm(adaRoles: string[] = ["realm-admin"]) {
  return seedAdminRealm(adaRoles, {
    clients: [{ clientId: "backend", secret: BACKEND_SECRET, redirectUris: [] }],
    roles: {
      realm: [
        { name: "reader" },
        { name: "editor", composite: true, composites: { realm: ["reader"] } },
      ],
    },
    groups: [{ name: "staff", realmRoles: ["editor"] }],
    userGroups: ["/staff"],
    userRealmRoles: ["reader"],
    settings: { webhooks: [{ url: "https://hooks.example/latchkey", secret: WEBHOOK_SECRET }] },
  });
}

async function exportOf(realm: string, token: string, query: string) {
  const response = await adminFetch(`/${realm}/partial-export?${query}`, token, {
    method: "POST",
  });
  return { status: response.status, body: (await response.json()) as Exported };
}

describe("realm export (Keycloak's partial-export)", () => {
  it("masks client secrets and leaves users out, as Keycloak", async () => {
    const realm = await seedExportRealm();
    const token = await masterAdminToken();

    const { status, body } = await exportOf(
      realm.name,
      token,
      "exportClients=true&exportGroupsAndRoles=true",
    );

    expect(status).toBe(200);
    expect(body.realm).toBe(realm.name);
    const backend = body.clients?.find((client) => client.clientId === "backend");
    expect(backend?.secret).toBe("**********");
    expect(backend?.attributes["latchkey.secret.sha256"]).toBeUndefined();
    expect(body.users).toBeUndefined();
    const editor = body.roles?.realm.find((role) => role.name === "editor");
    expect(editor?.composites?.realm).toEqual(["reader"]);
    expect(body.groups).toEqual([
      expect.objectContaining({ path: "/staff", realmRoles: ["editor"] }),
    ]);
  });

  it("leaves clients, roles and groups out unless asked for", async () => {
    const realm = await seedExportRealm();
    const { body } = await exportOf(realm.name, await masterAdminToken(), "");

    expect(body.realm).toBe(realm.name);
    expect(body.clients).toBeUndefined();
    expect(body.roles).toBeUndefined();
  });

  it("exports users without credentials, each read kept in the data-access trail", async () => {
    const realm = await seedExportRealm();
    const { body } = await exportOf(realm.name, await masterAdminToken(), "includeUsers=true");

    const ada = body.users?.find((user) => user.username === "ada");
    expect(ada?.groups).toEqual(["/staff"]);
    expect(ada?.realmRoles).toEqual(["reader"]);
    expect(ada?.credentials).toBeUndefined();
    expect(body.webhooks).toEqual([{ url: "https://hooks.example/latchkey", eventTypes: [] }]);
    const id = await realmId(realm.name);
    const trail = await eventually(async () => {
      const users = await db.query.users.findFirst({
        where: (u, { and, eq }) => and(eq(u.realmId, id), eq(u.username, "ada")),
      });
      const records = await listDataAccess(db, id, users?.id ?? "");
      return records.length > 0 ? records : undefined;
    });
    expect(trail[0]).toMatchObject({ accessor: "admin", action: "ADMIN_READ" });
  });

  it("refuses secrets to an administrator without realm-admin with 403", async () => {
    const realm = await seedExportRealm(["view-realm", "view-users", "view-clients"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    expect((await exportOf(realm.name, token, "includeUsers=true")).status).toBe(200);
    expect((await exportOf(realm.name, token, "includeSecrets=true")).status).toBe(403);
  });

  it("refuses an export to an administrator without view-realm with 403", async () => {
    const realm = await seedExportRealm(["view-users"]);
    const token = await passwordToken(realm.name, "cli", "ada", USER_PASSWORD);

    expect((await exportOf(realm.name, token, "")).status).toBe(403);
  });

  it("round-trips: imported under a new name, users sign in with the same password", async () => {
    const realm = await seedExportRealm();
    const query = "exportClients=true&exportGroupsAndRoles=true&includeUsers=true";
    const { body } = await exportOf(
      realm.name,
      await masterAdminToken(),
      `${query}&includeSecrets=true`,
    );
    const ada = body.users?.find((user) => user.username === "ada");
    expect(ada?.credentials).toEqual([expect.objectContaining({ type: "password" })]);
    const backend = body.clients?.find((client) => client.clientId === "backend");
    expect(backend?.attributes["latchkey.secret.sha256"]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.webhooks?.[0]?.secret).toBe(WEBHOOK_SECRET);

    const copy = `${realm.name}-copy`;
    await importRealm(
      db,
      { ...body, realm: copy },
      { keyEncryptionSecret: env.KEY_ENCRYPTION_SECRET },
    );
    clearRealmCache();
    const copyId = await realmId(copy);

    await expect(passwordToken(copy, "cli", "ada", USER_PASSWORD)).resolves.toBeTypeOf("string");
    await expect(passwordToken(copy, "cli", "ada", "wrong password")).rejects.toThrow("no token");
    const copied = await db.query.clients.findFirst({
      where: (c, { and, eq }) => and(eq(c.realmId, copyId), eq(c.clientId, "backend")),
    });
    expect(copied?.secretHash).toBe(await sha256(BACKEND_SECRET));
  });

  it("refuses a secret hash attribute that is not a SHA-256", async () => {
    const file = {
      realm: `bad-hash-${crypto.randomUUID().slice(0, 8)}`,
      clients: [{ clientId: "api", attributes: { "latchkey.secret.sha256": "abc" } }],
    };

    await expect(importRealm(db, file)).rejects.toThrow("must be a base64url SHA-256");
  });
});
