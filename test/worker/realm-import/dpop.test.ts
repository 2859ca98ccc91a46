import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { importRealm } from "../../../src/realm-import/import-realm";

function importDpopRealm(realm: Record<string, unknown>) {
  return importRealm(database(env.DB), realm, { keyEncryptionSecret: env.KEY_ENCRYPTION_SECRET });
}

describe("realm import of DPoP settings (RFC 9449)", () => {
  it("refuses a dpop.bound.access.tokens attribute other than true or false", async () => {
    const realm = {
      realm: `dpop-${crypto.randomUUID().slice(0, 8)}`,
      clients: [
        { clientId: "app", publicClient: true, attributes: { "dpop.bound.access.tokens": "yes" } },
      ],
    };
    await expect(importDpopRealm(realm)).rejects.toThrow(/dpop\.bound\.access\.tokens/);
  });

  it("refuses a dpopNonceRequired that is not a boolean", async () => {
    const realm = { realm: `dpop-${crypto.randomUUID().slice(0, 8)}`, dpopNonceRequired: "true" };
    await expect(importDpopRealm(realm)).rejects.toThrow(/dpopNonceRequired/);
  });
});
