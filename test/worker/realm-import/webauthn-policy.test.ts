import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../src/config";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { ImportError } from "../../../src/realm-import/import-error";
import { importRealm } from "../../../src/realm-import/import-realm";
import { passkeyPolicy } from "../../../src/webauthn/policy";

const db = database((env as unknown as Env).DB);
const unique = () => `wa-${crypto.randomUUID().slice(0, 8)}`;

async function importError(rep: Record<string, unknown>) {
  const error = await importRealm(db, rep).catch((e: unknown) => e);
  if (!(error instanceof ImportError)) throw new Error(`expected an ImportError, got ${error}`);
  return error.issues.map((issue) => issue.path);
}

describe("realm import: Keycloak's passwordless WebAuthn policy", () => {
  it("keeps Keycloak's passwordless defaults and the request's host as RP ID", async () => {
    const name = unique();
    await importRealm(db, { realm: name, displayName: "Shop" });
    const realm = await findRealmByName(db, name);
    if (!realm) throw new Error("no realm");
    expect(realm.webauthnPasswordlessPolicy).toBeNull();
    expect(passkeyPolicy(realm, "https://id.example/realms/x")).toEqual({
      rpId: "id.example",
      rpName: "Shop",
      origins: ["https://id.example"],
      userVerification: "required",
      residentKey: "required",
      attachment: undefined,
      algorithmIds: [-7, -257],
      timeoutMs: undefined,
    });
  });

  it("maps the realm file's fields onto the ceremony's options", async () => {
    const name = unique();
    await importRealm(db, {
      realm: name,
      webAuthnPolicyPasswordlessRpEntityName: "Example",
      webAuthnPolicyPasswordlessRpId: "example.com",
      webAuthnPolicyPasswordlessSignatureAlgorithms: ["ES256", "EdDSA", "RS256"],
      webAuthnPolicyPasswordlessUserVerificationRequirement: "not specified",
      webAuthnPolicyPasswordlessRequireResidentKey: "No",
      webAuthnPolicyPasswordlessAuthenticatorAttachment: "platform",
      webAuthnPolicyPasswordlessAttestationConveyancePreference: "not specified",
      webAuthnPolicyPasswordlessExtraOrigins: ["https://app.example.com"],
      webAuthnPolicyPasswordlessCreateTimeout: 60,
    });
    const realm = await findRealmByName(db, name);
    if (!realm) throw new Error("no realm");
    expect(passkeyPolicy(realm, "https://id.example.com/realms/x")).toEqual({
      rpId: "example.com",
      rpName: "Example",
      origins: ["https://id.example.com", "https://app.example.com"],
      userVerification: "preferred",
      residentKey: "discouraged",
      attachment: "platform",
      algorithmIds: [-7, -8, -257],
      timeoutMs: 60_000,
    });
  });

  it("refuses unknown algorithms, origins with paths and RP IDs with schemes", async () => {
    const paths = await importError({
      realm: unique(),
      webAuthnPolicyPasswordlessSignatureAlgorithms: ["ES256", "HS256"],
      webAuthnPolicyPasswordlessExtraOrigins: ["https://app.example/path"],
      webAuthnPolicyPasswordlessRpId: "https://example.com",
      webAuthnPolicyPasswordlessUserVerificationRequirement: "always",
    });
    expect(paths.sort()).toEqual([
      "$.webAuthnPolicyPasswordlessExtraOrigins[0]",
      "$.webAuthnPolicyPasswordlessRpId",
      "$.webAuthnPolicyPasswordlessSignatureAlgorithms[1]",
      "$.webAuthnPolicyPasswordlessUserVerificationRequirement",
    ]);
  });
});
