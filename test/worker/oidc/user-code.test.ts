import { describe, expect, it } from "vitest";
import { sha256 } from "../../../src/crypto/digest";
import {
  generateUserCode,
  normalizeUserCode,
  userCodeHash,
} from "../../../src/oidc/device/user-code";

const SECRET = "bGF0Y2hrZXktdGVzdC1vbmx5LXNlY3JldC0zMmJ5dGU=";
const OTHER_SECRET = btoa("another secret of at least 32 bytes!");

describe("user codes (RFC 8628 §6.1)", () => {
  it("draws eight letters without vowels or look-alikes, shown as two groups of four", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { userCode, normalized } = generateUserCode();
      expect(userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      expect(normalized).toBe(userCode.replace("-", ""));
      seen.add(userCode);
    }
    expect(seen.size).toBe(200);
  });

  it("reads a code typed in lower case, with spaces or without the dash", () => {
    expect(normalizeUserCode("wdjb-mjht")).toBe("WDJBMJHT");
    expect(normalizeUserCode(" WDJB MJHT ")).toBe("WDJBMJHT");
    expect(normalizeUserCode("WDJBMJHT")).toBe("WDJBMJHT");
  });

  it("refuses what cannot be a code: vowels, digits, the wrong length", () => {
    expect(normalizeUserCode("WDJA-MJHT")).toBeUndefined();
    expect(normalizeUserCode("WDJB-MJH1")).toBeUndefined();
    expect(normalizeUserCode("WDJB-MJH")).toBeUndefined();
    expect(normalizeUserCode("WDJB-MJHTT")).toBeUndefined();
  });

  it("stores a code keyed with the deployment secret, not as a bare digest", async () => {
    const stored = await userCodeHash(SECRET, "WDJBMJHT");

    expect(stored).toBe(await userCodeHash(SECRET, "WDJBMJHT"));
    expect(stored).not.toBe(await sha256("WDJBMJHT"));
    expect(stored).not.toBe(await userCodeHash(OTHER_SECRET, "WDJBMJHT"));
  });
});
