import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import { clients } from "../../../src/db/schema";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { HMAC_SECRET, seedAssertionRealm } from "../support/assertions";
import { realmId } from "../support/store";
import { withClient } from "./fixtures";

const db = database(env.DB);

async function clientRow(realmName: string, clientId: string) {
  const id = await realmId(realmName);
  const [row] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.realmId, id), eq(clients.clientId, clientId)));
  return row;
}

/** The message importRealm refuses a file with. */
async function refusal(file: unknown, keyEncryptionSecret?: string): Promise<string> {
  const error = await importRealm(db, file, { keyEncryptionSecret }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ImportError);
  return (error as ImportError).message;
}

const keyless = { clientId: "signer", publicClient: false, clientAuthenticatorType: "client-jwt" };

describe("client authentication settings from Keycloak's ClientRepresentation", () => {
  it("stores a client-secret-jwt secret sealed, never in plain text", async () => {
    const realm = await seedAssertionRealm();
    const row = await clientRow(realm.name, "hmac");

    expect(row?.clientAuthenticatorType).toBe("client-secret-jwt");
    expect(row?.secretSealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(HMAC_SECRET);
  });

  it("keeps no sealed secret for a client using client secrets", async () => {
    const realm = await seedAssertionRealm();

    expect((await clientRow(realm.name, "backend"))?.secretSealed).toBeNull();
  });

  it("refuses a client-secret-jwt client when no KEY_ENCRYPTION_SECRET is given", async () => {
    const client = {
      clientId: "hmac",
      publicClient: false,
      clientAuthenticatorType: "client-secret-jwt",
      secret: "s",
    };

    expect(await refusal(withClient("no-seal", client))).toMatch(
      /^\$\.clients\[0\]\.clientAuthenticatorType: /,
    );
  });

  it("refuses a client-jwt client that registered no keys", async () => {
    const file = withClient("keyless", keyless);

    expect(await refusal(file, env.KEY_ENCRYPTION_SECRET)).toMatch(
      /^\$\.clients\[0\]\.attributes: client-jwt needs/,
    );
  });

  it("refuses a jwks.string that holds a private key", async () => {
    const jwk = { kty: "EC", crv: "P-256", x: "x", y: "y", d: "private" };
    const attributes = {
      "use.jwks.string": "true",
      "jwks.string": JSON.stringify({ keys: [jwk] }),
    };
    const file = withClient("private-jwk", { ...keyless, attributes });

    expect(await refusal(file, env.KEY_ENCRYPTION_SECRET)).toMatch(/holds a private key/);
  });

  it("refuses a jwks.url that is not https", async () => {
    const attributes = { "use.jwks.url": "true", "jwks.url": "http://keys.example/jwks" };
    const file = withClient("http-jwks", { ...keyless, attributes });

    expect(await refusal(file, env.KEY_ENCRYPTION_SECRET)).toMatch(/is not an https URL/);
  });

  it("refuses the client-x509 authenticator, which Latchkey does not support", async () => {
    const client = {
      clientId: "mtls",
      publicClient: false,
      clientAuthenticatorType: "client-x509",
      secret: "s",
    };
    const file = withClient("x509", client);

    expect(await refusal(file, env.KEY_ENCRYPTION_SECRET)).toMatch(/"client-x509" is not/);
  });
});
