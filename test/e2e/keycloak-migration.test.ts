import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type KeycloakAdminClient from "@keycloak/keycloak-admin-client";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverEndpoints, signIn, type Target } from "../bench/flows";
import { bootstrapAdminClient } from "./harness/admin-client";
import {
  type KeycloakCredential,
  keycloakArgon2,
  keycloakBcrypt,
  keycloakPbkdf2,
  olderKeycloakPbkdf2,
} from "./harness/keycloak-credentials";
import { type LatchkeyServer, startLatchkey } from "./harness/latchkey-server";
import { writeRealmFile } from "./harness/realm-file";

const REALM = "kc-migrated";
const USERS = 210;
const REDIRECT = "https://migrated.example/callback";
/** Sign-ins in flight at once: enough to overlap hashing with I/O, bounded for a 2-CPU machine. */
const PARALLEL = 4;

/** Every kind of hash the import takes, made by libraries Latchkey does not verify with. */
const KINDS: { name: string; make: (password: string) => Promise<KeycloakCredential> }[] = [
  { name: "pbkdf2", make: async (p) => keycloakPbkdf2(p, "pbkdf2", 27500) },
  { name: "pbkdf2-sha256", make: async (p) => keycloakPbkdf2(p, "pbkdf2-sha256", 27500) },
  { name: "pbkdf2-sha512", make: async (p) => keycloakPbkdf2(p, "pbkdf2-sha512", 30000) },
  { name: "pbkdf2-sha256, pre-12 layout", make: async (p) => olderKeycloakPbkdf2(p) },
  { name: "argon2", make: (p) => keycloakArgon2(p) },
  { name: "bcrypt $2b$", make: (p) => keycloakBcrypt(p, 8, "$2b$") },
  { name: "bcrypt $2y$", make: (p) => keycloakBcrypt(p, 6, "$2y$") },
];

interface Person {
  username: string;
  password: string;
  kind: string;
  department: string;
  writer: boolean;
  staff: boolean;
}

const people: Person[] = Array.from({ length: USERS }, (_, i) => ({
  username: `user-${i}@migrated.example`,
  password: `old-password-${i}-✓`,
  kind: KINDS[i % KINDS.length]?.name ?? "",
  department: ["sales", "support", "research"][i % 3] ?? "",
  writer: i % 5 === 0,
  staff: i % 2 === 0,
}));

/**
 * A Keycloak realm export as Keycloak writes it: a composite role, a group holding a role, a
 * client with an attribute mapper, and users with attributes, roles, groups and hashes.
 */
async function keycloakExport() {
  const users = await Promise.all(
    people.map(async (person, i) => ({
      username: person.username,
      email: person.username,
      emailVerified: true,
      enabled: true,
      firstName: "User",
      lastName: String(i),
      attributes: { department: [person.department] },
      realmRoles: person.writer ? ["writer"] : [],
      groups: person.staff ? ["/staff"] : [],
      credentials: [await (KINDS[i % KINDS.length]?.make ?? keycloakArgon2)(person.password)],
    })),
  );
  return {
    roles: {
      realm: [
        { name: "reader" },
        { name: "writer", composite: true, composites: { realm: ["reader"] } },
      ],
    },
    groups: [{ name: "staff", path: "/staff", realmRoles: ["reader"] }],
    clients: [
      {
        clientId: "migrated-app",
        publicClient: true,
        redirectUris: [REDIRECT],
        protocolMappers: [
          {
            name: "department",
            protocol: "openid-connect",
            protocolMapper: "oidc-usermodel-attribute-mapper",
            config: {
              "user.attribute": "department",
              "claim.name": "department",
              "jsonType.label": "String",
              "access.token.claim": "true",
              "id.token.claim": "true",
            },
          },
        ],
      },
    ],
    users,
  };
}

/** Runs `work` over `items`, `parallel` at a time, collecting what each gives. */
async function pooled<T, R>(items: T[], parallel: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return results;
}

/** The migrated app as the sign-in flow sees it, without a person yet. */
async function appTarget(): Promise<Omit<Target, "user">> {
  const issuer = latchkey.issuer(REALM);
  return {
    name: "latchkey",
    issuer,
    endpoints: await discoverEndpoints(issuer),
    service: { clientId: "", secret: "" },
    app: { clientId: "migrated-app", redirectUri: REDIRECT },
  };
}

let dir: string;
let latchkey: LatchkeyServer;
let admin: KeycloakAdminClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-migration-"));
  latchkey = await startLatchkey("e2e", await writeRealmFile(dir, "http://127.0.0.1:9"));
  admin = await bootstrapAdminClient(latchkey.origin);
});

afterAll(async () => {
  await latchkey?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("moving a Keycloak realm over with its users' passwords", () => {
  it("imports the export through keycloak-admin-client's partialImport", async () => {
    await admin.realms.create({ realm: REALM, enabled: true });
    const rep = await keycloakExport();
    const report = await admin.realms.partialImport({
      realm: REALM,
      rep: { ...rep, ifResourceExists: "FAIL" },
    });

    const added = (type: string) =>
      report.results.filter((r) => r.resourceType === type && r.action === "ADDED").length;
    expect(added("USER")).toBe(USERS);
    expect(added("CLIENT")).toBe(1);
    expect(added("GROUP")).toBe(1);
    expect(added("REALM_ROLE")).toBe(2);
    expect(report.skipped).toBe(0);
    const users = await admin.users.count({ realm: REALM });
    expect(users).toBe(USERS);
  }, 120_000);

  it("signs every imported person in with the old password, with roles and claims", async () => {
    const base = await appTarget();
    const outcomes = await pooled(people, PARALLEL, async (person) => {
      const user = { username: person.username, password: person.password };
      try {
        const tokens = await signIn({ ...base, user });
        return { person, claims: decodeJwt(tokens.access_token) };
      } catch (error) {
        return { person, error: String(error) };
      }
    });

    const failed = outcomes.flatMap((o) => (o.error ? [`${o.person.kind}: ${o.error}`] : []));
    expect(failed).toEqual([]);
    for (const { person, claims } of outcomes) {
      const roles = (claims?.realm_access as { roles?: string[] } | undefined)?.roles ?? [];
      expect(claims?.preferred_username).toBe(person.username);
      expect(claims?.department).toBe(person.department);
      expect(roles.includes("writer")).toBe(person.writer);
      expect(roles.includes("reader")).toBe(person.writer || person.staff);
    }
  }, 900_000);

  it("lets one person of each kind sign in again, and refuses a wrong password", async () => {
    const base = await appTarget();
    for (const person of people.slice(0, KINDS.length)) {
      const user = { username: person.username, password: person.password };
      const tokens = await signIn({ ...base, user });
      expect(decodeJwt(tokens.access_token).preferred_username).toBe(person.username);
    }
    const wrong = { username: people[0]?.username ?? "", password: "not-the-old-password" };
    await expect(signIn({ ...base, user: wrong })).rejects.toThrow();
  }, 300_000);
});
