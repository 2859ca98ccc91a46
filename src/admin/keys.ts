import { Hono } from "hono";
import { exportSPKI, importJWK } from "jose";
import type { AppEnv } from "../config";
import type { SigningAlg } from "../keys/generate";
import { publicJwk } from "../keys/published-keys";
import { loadSigningKeys, type StoredSigningKey } from "../keys/stored-keys";
import { requireRole } from "./auth";

/** Keycloak's key provider ids and key types for the algorithms realms sign with. */
const PROVIDERS: Record<SigningAlg, { providerId: string; type: string }> = {
  ES256: { providerId: "ecdsa-generated", type: "EC" },
  RS256: { providerId: "rsa-generated", type: "RSA" },
  EdDSA: { providerId: "eddsa-generated", type: "OKP" },
};

/**
 * Keycloak's key status: the active key signs; a next key (published ahead of rotation) and a
 * retired one (kept for its grace period) only verify, which Keycloak calls PASSIVE.
 */
function status(key: StoredSigningKey): "ACTIVE" | "PASSIVE" {
  return key.status === "active" ? "ACTIVE" : "PASSIVE";
}

/** The public key as Keycloak shows it: base64 DER SubjectPublicKeyInfo, no PEM armour. */
async function publicKeyBase64(key: StoredSigningKey): Promise<string> {
  const imported = await importJWK(publicJwk(key), key.alg, { extractable: true });
  const pem = await exportSPKI(imported as CryptoKey);
  return pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
}

/** Keycloak's KeyMetadataRepresentation of one key; never its private half. */
async function keyMetadata(key: StoredSigningKey) {
  const provider = PROVIDERS[key.alg as SigningAlg];
  return {
    providerId: provider?.providerId,
    providerPriority: key.status === "active" ? 100 : 0,
    kid: key.kid,
    status: status(key),
    type: provider?.type,
    algorithm: key.alg,
    publicKey: await publicKeyBase64(key),
    use: "SIG",
  };
}

/** `/admin/realms/{realm}/keys`: Keycloak's KeysMetadataRepresentation. */
export const keyRoutes = new Hono<AppEnv>();

keyRoutes.get("/", async (c) => {
  requireRole(c, c.var.realm.name, "view-realm");
  const stored = await loadSigningKeys(c.var.db, c.env.KEY_ENCRYPTION_SECRET, c.var.realm.id);
  const active = Object.fromEntries(
    stored.filter((key) => key.status === "active").map((key) => [key.alg, key.kid]),
  );
  return c.json({ active, keys: await Promise.all(stored.map(keyMetadata)) });
});
