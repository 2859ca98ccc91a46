import { describe, expect, it } from "vitest";
import { webhookTargetProblem } from "../../../src/webhooks/target";

describe("webhook targets: no private or loopback addresses in production", () => {
  it.each([
    "http://127.0.0.1/hook",
    "https://127.0.0.1/hook",
    "https://127.1/hook",
    "https://2130706433/hook",
    "https://0x7f000001/hook",
    "https://10.1.2.3/hook",
    "https://172.16.0.1/hook",
    "https://172.31.255.255/hook",
    "https://192.168.1.1/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.0.1/hook",
    "https://0.0.0.0/hook",
    "https://[::1]/hook",
    "https://[::]/hook",
    "https://[fd00::1]/hook",
    "https://[fe80::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://localhost/hook",
    "https://LOCALHOST./hook",
    "https://api.localhost/hook",
  ])("refuses %s", (url) => {
    expect(webhookTargetProblem(url, false)).toBeDefined();
  });

  it.each([
    "https://hooks.example.com/latchkey",
    "https://203.0.113.10/hook",
    "https://172.32.0.1/hook",
    "https://[2001:db8::1]/hook",
  ])("accepts %s", (url) => {
    expect(webhookTargetProblem(url, false)).toBeUndefined();
  });

  it("refuses plain http, credentials in the URL and what is not a URL", () => {
    expect(webhookTargetProblem("http://hooks.example.com/", false)).toBe("must use https");
    expect(webhookTargetProblem("https://u:p@hooks.example.com/", false)).toBe(
      "must not carry credentials",
    );
    expect(webhookTargetProblem("hooks.example.com", false)).toBe("is not an absolute URL");
  });

  it("lets development reach loopback over http when private targets are allowed", () => {
    expect(webhookTargetProblem("http://127.0.0.1:8787/hook", true)).toBeUndefined();
    expect(webhookTargetProblem("http://localhost:8787/hook", true)).toBeUndefined();
    expect(webhookTargetProblem("ftp://localhost/hook", true)).toBe("must use https");
  });
});
