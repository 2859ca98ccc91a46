import { describe, expect, it } from "vitest";
import { describeTarget, targetFlags } from "../../../src/cli/d1-target";
import { parseImportRealmArgs } from "../../../src/cli/import-realm-args";

const cwd = "/home/operator/realms";

describe("the import-realm command's flags", () => {
  it("send realm files, resolved from the cwd, to the deployed database with --remote", () => {
    const options = parseImportRealmArgs(["--remote", "a.json", "/abs/b.json"], cwd);

    expect(options).toEqual({
      target: { kind: "remote" },
      realmFiles: ["/home/operator/realms/a.json", "/abs/b.json"],
      help: false,
    });
    expect(targetFlags(options.target)).toEqual(["--remote"]);
    expect(describeTarget("/repo", options.target)).toBe("the remote D1 database");
  });

  it("send them to a local database with --local, in --persist-to when given", () => {
    const options = parseImportRealmArgs(["--local", "--persist-to", "data", "a.json"], cwd);

    expect(options.target).toEqual({ kind: "local", persistTo: "/home/operator/realms/data" });
    expect(targetFlags(options.target)).toEqual([
      "--local",
      "--persist-to",
      "/home/operator/realms/data",
    ]);
  });

  it("name the local database wrangler dev uses when --persist-to is left out", () => {
    const { target } = parseImportRealmArgs(["--local", "a.json"], cwd);

    expect(targetFlags(target)).toEqual(["--local"]);
    expect(describeTarget("/repo", target)).toBe("the local D1 database in .wrangler/state");
  });

  it("refuse to guess the database when neither or both of --remote and --local are given", () => {
    const message = "say which database to import into: --remote or --local";

    expect(() => parseImportRealmArgs(["a.json"], cwd)).toThrow(message);
    expect(() => parseImportRealmArgs(["--remote", "--local", "a.json"], cwd)).toThrow(message);
  });

  it("refuse --persist-to with --remote, and a command without realm files", () => {
    expect(() => parseImportRealmArgs(["--remote", "--persist-to", "x", "a.json"], cwd)).toThrow(
      "--persist-to is for the local database; leave it out with --remote",
    );
    expect(() => parseImportRealmArgs(["--local"], cwd)).toThrow("name at least one realm file");
  });

  it("show help without asking for a database or files", () => {
    expect(parseImportRealmArgs(["--help"], cwd).help).toBe(true);
  });
});
