import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as client from "openid-client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDevVars } from "../../../src/cli/dev-vars";
import { importRealmFiles } from "../../../src/cli/import";
import { applyMigrations } from "../../../src/cli/migrations";
import { realmDataSql } from "../../../src/cli/realm-sql";
import { createStaging, exportStagedData, removeStaging } from "../../../src/cli/staging";
import { launchChromium } from "../harness/browser";
import { type CallbackServer, startCallbackServer } from "../harness/callback-server";
import { appReceives, signIn } from "../harness/pages";
import { authorizationRequest, discover } from "../harness/relying-party";
import { root, runImportRealm, snapshot, startWranglerDev } from "./import-realm-support";

const person = { email: "lin@example.com", password: "lin-imported-password-7" };
const slow = { timeout: 180_000 };

let dir: string;
let target: string;
let staging: string;
let app: CallbackServer;
let browser: Browser;
const files: Record<"first" | "second" | "third" | "bad", string> = {
  first: "",
  second: "",
  third: "",
  bad: "",
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-import-realm-test-"));
  target = join(dir, "target");
  staging = join(dir, "staging-parent");
  await mkdir(staging);
  await ensureDevVars(root);
  app = await startCallbackServer();

  const first = realm("imported", app.origin, person);
  files.first = await writeRealm("first.json", {
    ...first,
    clients: [...first.clients, introspector],
  });
  files.second = await writeRealm("second.json", realm("second", app.origin, person));
  files.third = await writeRealm("third.json", realm("third", app.origin, person));
  const bad = realm("broken", app.origin, person);
  bad.clients[0]?.redirectUris.push("https://app.example/*");
  files.bad = await writeRealm("bad.json", bad);

  await applyMigrations(root, target);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("npm run import-realm, into a local D1 database as the deployed one would get it", () => {
  it("imports a realm that wrangler dev then serves, and whose user signs in", slow, async () => {
    const result = await runImportRealm(["--local", "--persist-to", target, files.first], staging);

    expect(result.stderr).not.toMatch(/\[latchkey\]/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Imported realm imported into the local D1 database in ${target}`,
    );
    expect(await stagingLeftovers()).toEqual([]);

    const server = await startWranglerDev(target);
    try {
      const issuer = `${server.origin}/realms/imported`;
      const config = await discover(issuer, "imported-app");
      expect(config.serverMetadata().issuer).toBe(issuer);

      browser = await launchChromium();
      const request = await authorizationRequest(config, `${app.origin}/callback`);
      const page = await browser.newPage();
      await page.goto(request.url.href);
      await signIn(page, person.email, person.password);
      const response = await appReceives(app, page, "/callback");
      const tokens = await client.authorizationCodeGrant(config, response, request.checks);

      expect(tokens.claims()).toMatchObject({ email: person.email, azp: "imported-app" });

      // The CLI sealed the client-secret-jwt secret with .dev.vars' key, which wrangler dev uses.
      const rs = await client.discovery(
        new URL(issuer),
        introspector.clientId,
        undefined,
        client.ClientSecretJwt(introspector.secret),
        { execute: [client.allowInsecureRequests] },
      );
      const introspection = await client.tokenIntrospection(rs, tokens.access_token);
      expect(introspection).toMatchObject({ active: true, azp: "imported-app" });
    } finally {
      await server.stop();
    }
  });

  it(
    "skips a realm the database has already, says so, and imports the new one beside it",
    slow,
    async () => {
      const before = await snapshot(target);

      const args = ["--local", "--persist-to", target, files.first, files.second];
      const result = await runImportRealm(args, staging);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        `Realm imported exists already in the local D1 database in ${target}; import skipped`,
      );
      expect(result.stdout).toContain("Imported realm second");
      const after = await snapshot(target);
      expect(after.realms.map(([, name]) => name).sort()).toEqual(["imported", "second"]);
      expect(after.realms).toContainEqual(before.realms[0]);
      expect(after.users).toHaveLength(2);
      expect(await stagingLeftovers()).toEqual([]);
    },
  );

  it(
    "refuses a file with a bad field, naming its JSON path, with exit code 1 and nothing written",
    slow,
    async () => {
      const before = await snapshot(target);

      const args = ["--local", "--persist-to", target, files.third, files.bad];
      const result = await runImportRealm(args, staging);

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `${files.bad} cannot be imported:\n$.clients[0].redirectUris[1]: "https://app.example/*"`,
      );
      expect(result.stderr).toContain("has a wildcard; list each redirect URI exactly");
      expect(result.stderr).toContain("Nothing was imported.");
      expect(await snapshot(target)).toEqual(before);
      expect(await stagingLeftovers()).toEqual([]);
    },
  );

  it(
    "keeps passwords as scrypt hashes, never in plain text, in the target database",
    slow,
    async () => {
      const { credentials, users } = await snapshot(target);

      expect(credentials).toHaveLength(users.length);
      for (const [, , type, secret] of credentials) {
        expect(type).toBe("password");
        expect(secret).toMatch(/^\$scrypt\$ln=14,r=8,p=5\$/);
      }
      expect(JSON.stringify({ credentials, users })).not.toContain(person.password);
    },
  );
});

describe("the SQL that import-realm runs on the target database", () => {
  it(
    "holds only INSERTs into Latchkey's tables, with the password as a scrypt hash",
    slow,
    async () => {
      const stage = await createStaging(root);
      try {
        await importRealmFiles(root, stage.persistTo, [files.third], { configPath: stage.config });
        const dump = await exportStagedData(root, stage);
        const { sql, rows } = realmDataSql(dump);

        expect(dump).toContain('INSERT INTO "d1_migrations"');
        // Keycloak's built-in roles come with every realm; the user holds the default one.
        expect(rows).toEqual({
          clients: 1,
          credentials: 1,
          realms: 1,
          role_composites: 2,
          roles: 3,
          user_roles: 1,
          users: 1,
        });
        expect(sql).not.toContain("d1_migrations");
        expect(sql).toMatch(/INSERT INTO "credentials" .*'\$scrypt\$ln=14,r=8,p=5\$/);
        expect(sql).not.toContain(person.password);
      } finally {
        await removeStaging(stage);
      }
    },
  );
});

type Person = typeof person;

/** A resource server that authenticates with client_secret_jwt, whose secret is kept sealed. */
const introspector = {
  clientId: "imported-resource-server",
  publicClient: false,
  clientAuthenticatorType: "client-secret-jwt",
  secret: "imported-resource-server-secret-0123456789",
};

/** A realm with a public PKCE client redirecting to the app, and one user with a password. */
function realm(name: string, appOrigin: string, user: Person) {
  return {
    realm: name,
    clients: [
      {
        clientId: `${name}-app`,
        publicClient: true,
        redirectUris: [`${appOrigin}/callback`],
        attributes: { "pkce.code.challenge.method": "S256" },
      },
    ],
    users: [
      {
        username: user.email,
        email: user.email,
        emailVerified: true,
        credentials: [{ type: "password", value: user.password }],
      },
    ],
  };
}

/** Temporary directories of import-realm still in its TMPDIR (tsx and wrangler keep theirs). */
async function stagingLeftovers(): Promise<string[]> {
  return (await readdir(staging)).filter((name) => name.startsWith("latchkey-realm-import-"));
}

async function writeRealm(name: string, representation: object): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(representation, null, 2));
  return path;
}
