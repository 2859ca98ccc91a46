import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDevVar } from "../../../src/cli/dev-vars";
import { type LatchkeyServer, startLatchkey } from "../harness/latchkey-server";

const root = join(import.meta.dirname, "..", "..", "..");
const REALM = "cli-source";
const COPY = "cli-copy";
const person = { username: "lin", password: "lin-exported-password-3" };
const slow = { timeout: 120_000 };

let dir: string;
let latchkey: LatchkeyServer;
let adminEnv: Record<string, string>;

/** Runs `npm run admin -- ...` as an operator would, and returns what it printed. */
function admin(args: string[], env: Record<string, string> = adminEnv) {
  const node = join(root, "node_modules", ".bin", "node");
  const argv = ["--import", "tsx", "src/cli/admin.ts", ...args];
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      node,
      argv,
      { cwd: root, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function passwordGrant(realm: string, password: string) {
  const response = await fetch(`${latchkey.issuer(realm)}/protocol/openid-connect/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "password",
      client_id: "cli",
      username: person.username,
      password,
    }),
  });
  return (await response.json()) as { access_token?: string; error?: string };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-e2e-admin-cli-"));
  const file = join(dir, "source.json");
  await writeFile(
    file,
    JSON.stringify({
      realm: REALM,
      clients: [
        { clientId: "cli", publicClient: true, directAccessGrantsEnabled: true },
        { clientId: "api", secret: "api secret 1", serviceAccountsEnabled: true },
      ],
      roles: { realm: [{ name: "editor" }] },
      groups: [{ name: "staff", realmRoles: ["editor"] }],
      // A loopback target, as `npm start` allows: the copy must be allowed it too.
      webhooks: [{ url: "http://127.0.0.1:9/hook", eventTypes: ["LOGIN"] }],
      users: [
        {
          username: person.username,
          groups: ["/staff"],
          credentials: [{ type: "password", value: person.password }],
        },
      ],
    }),
  );
  latchkey = await startLatchkey(REALM, file);
  adminEnv = {
    LATCHKEY_ADMIN_URL: latchkey.origin,
    LATCHKEY_ADMIN_USER: (await readDevVar(root, "BOOTSTRAP_ADMIN_USERNAME")) ?? "",
    LATCHKEY_ADMIN_PASSWORD: (await readDevVar(root, "BOOTSTRAP_ADMIN_PASSWORD")) ?? "",
  };
}, 180_000);

afterAll(async () => {
  await latchkey?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("npm run admin", () => {
  it("bootstrap explains itself and signs the administrator in", slow, async () => {
    const run = await admin(["bootstrap"]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain("BOOTSTRAP_ADMIN_USERNAME");
    expect(run.stderr).toMatch(/signed in at .*master/);
  });

  it(
    "exports with users and secrets, imports under a new name, the password works",
    slow,
    async () => {
      const output = join(dir, "export.json");

      const exported = await admin(["export", REALM, "--users", "--secrets", "-o", output]);
      expect(exported.code).toBe(0);
      const rep = JSON.parse(await readFile(output, "utf8"));
      expect(rep.users.map((user: { username: string }) => user.username)).toContain("lin");

      const imported = await admin(["import", output, "--realm", COPY]);
      expect(imported.code).toBe(0);
      expect(imported.stderr).toContain(`created realm "${COPY}"`);
      expect(imported.stderr).toMatch(/ADDED\s+USER\s+lin/);
      expect(imported.stderr).toMatch(/ADDED\s+GROUP\s+staff/);

      expect((await passwordGrant(COPY, person.password)).access_token).toBeTypeOf("string");
      expect((await passwordGrant(COPY, "not the password")).error).toBe("invalid_grant");
    },
  );

  it("skips what exists with --if-exists skip, and refuses it by default", slow, async () => {
    const output = join(dir, "again.json");
    await admin(["export", REALM, "--users", "--secrets", "-o", output]);

    const skipped = await admin(["import", output, "--realm", COPY, "--if-exists", "skip"]);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(/SKIPPED\s+USER\s+lin/);
    const refused = await admin(["import", output, "--realm", COPY]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("HTTP 409");
  });

  it("keeps no realm of its own making when the import is refused", slow, async () => {
    const masked = join(dir, "masked.json");
    // Without --secrets the client secret reads **********, which an import refuses.
    expect((await admin(["export", REALM, "--users", "-o", masked])).code).toBe(0);

    const refused = await admin(["import", masked, "--realm", "cli-refused"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("secret is masked");
    expect(refused.stderr).toContain(`realm "cli-refused" was not kept`);
    const discovery = await fetch(
      `${latchkey.issuer("cli-refused")}/.well-known/openid-configuration`,
    );
    expect(discovery.status).toBe(404);
  });

  it(
    "replaces what exists with --if-exists overwrite; the password still works",
    slow,
    async () => {
      const output = join(dir, "overwrite.json");
      await admin(["export", REALM, "--users", "--secrets", "-o", output]);

      const run = await admin(["import", output, "--realm", COPY, "--if-exists", "overwrite"]);

      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/OVERWRITTEN\s+USER\s+lin/);
      expect(run.stderr).toMatch(/OVERWRITTEN\s+CLIENT\s+api/);
      expect(run.stderr).toMatch(/added 0, skipped \d+, overwritten [1-9]/);
      expect((await passwordGrant(COPY, person.password)).access_token).toBeTypeOf("string");
    },
  );

  it(
    "says so, without a stack trace, when credentials are wrong or the server is down",
    slow,
    async () => {
      const wrong = await admin(["export", REALM], {
        ...adminEnv,
        LATCHKEY_ADMIN_PASSWORD: "nope",
      });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain("refused the administrator's credentials");
      expect(wrong.stderr).not.toContain("    at ");

      const down = await admin(["export", REALM], {
        ...adminEnv,
        LATCHKEY_ADMIN_URL: "http://127.0.0.1:9",
      });
      expect(down.code).toBe(1);
      expect(down.stderr).toContain("cannot reach Latchkey");
    },
  );
});
