import { describe, expect, it, vi } from "vitest";
import { Browser } from "../support/browser";
import { signIn, signInAndExchange } from "../support/oidc";
import { ORIGIN, seedRealm, USER_EMAIL, USER_PASSWORD } from "../support/realm";

/** Captures the JSON log lines written while `run` runs. */
async function logLines(run: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await run();
    return spy.mock.calls.map((call) => String(call[0]));
  } finally {
    spy.mockRestore();
  }
}

describe("structured log events", () => {
  it("name a failed sign-in's account by id and reason, never by email or password", async () => {
    const realm = await seedRealm();
    const url = `${ORIGIN}/realms/${realm.name}/login-actions/authenticate`;
    const lines = await logLines(() =>
      signIn(new Browser(), url, { username: USER_EMAIL, password: "wrong-password-7" }),
    );

    const failed = lines.map((line) => JSON.parse(line)).find((e) => e.event === "login.failed");
    expect(failed).toMatchObject({ error: "invalid_user_credentials", userId: expect.any(String) });
    expect(lines.join("\n")).not.toContain(USER_EMAIL);
    expect(lines.join("\n")).not.toContain("wrong-password-7");
  });

  it("give an unknown account's failure no user id", async () => {
    const realm = await seedRealm();
    const url = `${ORIGIN}/realms/${realm.name}/login-actions/authenticate`;
    const lines = await logLines(() =>
      signIn(new Browser(), url, { username: "nobody@example.com", password: "whatever-1" }),
    );

    const failed = lines.map((line) => JSON.parse(line)).find((e) => e.event === "login.failed");
    expect(failed).toMatchObject({ error: "user_not_found" });
    expect(failed.userId).toBeUndefined();
  });

  it("carry no password, code, token or state through a whole sign-in", async () => {
    const realm = await seedRealm();
    let secrets: string[] = [];
    const lines = await logLines(async () => {
      const { tokens, code } = await signInAndExchange(realm.oidc);
      secrets = [USER_PASSWORD, code, tokens.access_token ?? "", tokens.refresh_token ?? ""];
    });

    const output = lines.join("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [...secrets, "state-123", "nonce-456", USER_EMAIL]) {
      expect(secret.length).toBeGreaterThan(0);
      expect(output).not.toContain(secret);
    }
  });
});
