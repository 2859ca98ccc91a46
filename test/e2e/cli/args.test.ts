import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStartArgs } from "../../../src/cli/args";

const demo = "/repo/src/realm-import/demo-realm.json";

describe("the start command's flags", () => {
  it("default to port 8787, wrangler's data directory and the demo realm", () => {
    expect(parseStartArgs([], demo)).toEqual({
      port: 8787,
      persistTo: undefined,
      realmFiles: [demo],
      help: false,
    });
  });

  it("take repeated --import-realm files instead of the demo realm, resolved from the cwd", () => {
    const args = ["--import-realm", "a.json", "--import-realm", "/abs/b.json", "--port", "9000"];

    expect(parseStartArgs(args, demo)).toMatchObject({
      port: 9000,
      realmFiles: [resolve("a.json"), "/abs/b.json"],
    });
  });

  it("resolve --persist-to to an absolute directory", () => {
    expect(parseStartArgs(["--persist-to", "data"], demo).persistTo).toBe(resolve("data"));
  });

  it("refuse a port that is not a port number", () => {
    expect(() => parseStartArgs(["--port", "http"], demo)).toThrow(
      '--port must be a port number, not "http"',
    );
    expect(() => parseStartArgs(["--port", "70000"], demo)).toThrow(/--port must be/);
  });

  it("refuse an unknown flag", () => {
    expect(() => parseStartArgs(["--realm", "x"], demo)).toThrow(/Unknown option '--realm'/);
  });
});
