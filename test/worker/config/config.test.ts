import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../../src/app";
import { ConfigError, secretBytes } from "../../../src/crypto/secret";

describe("deployment configuration", () => {
  it("accepts a base64 secret of 32 bytes", () => {
    expect(secretBytes(btoa("x".repeat(32))).byteLength).toBe(32);
  });

  it.each([
    ["missing", undefined, "not set"],
    ["not base64", "***", "not valid base64"],
    ["too short", btoa("x".repeat(16)), "at least 32 bytes"],
  ])("refuses a secret that is %s", (_, secret, message) => {
    expect(() => secretBytes(secret)).toThrow(ConfigError);
    expect(() => secretBytes(secret)).toThrow(message);
  });

  it("answers a generic server_error, with no secret or trace, when misconfigured", async () => {
    const broken = { ...env, KEY_ENCRYPTION_SECRET: "short" };
    const response = await app.request(
      "https://id.example/realms/demo/protocol/openid-connect/certs",
      {},
      broken,
    );
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: "server_error",
      error_description: "Internal error.",
    });
  });
});
