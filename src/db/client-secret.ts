import { seal, unseal } from "../keys/seal";
import type { Client } from "./clients";

/** Binds a sealed secret to its client row, so it cannot be moved to another client. */
const aad = (clientRowId: string) => `client-secret:${clientRowId}`;

/**
 * Seals a client secret for client_secret_jwt, which needs the secret itself as the HMAC key
 * (OpenID Connect Core §9); AES-256-GCM under KEY_ENCRYPTION_SECRET, never plain text.
 */
export async function sealClientSecret(
  keyEncryptionSecret: string | undefined,
  clientRowId: string,
  secret: string,
): Promise<string> {
  if (!keyEncryptionSecret) throw new Error("KEY_ENCRYPTION_SECRET is needed to seal a secret");
  return seal(keyEncryptionSecret, secret, aad(clientRowId));
}

/** The client's secret as bytes for HMAC, or undefined when none is sealed for it. */
export async function clientSecretKey(
  keyEncryptionSecret: string,
  client: Client,
): Promise<Uint8Array | undefined> {
  if (client.secretSealed === null) return undefined;
  const secret = await unseal(keyEncryptionSecret, client.secretSealed, aad(client.id));
  return new TextEncoder().encode(secret);
}

/** The client's secret in plain text, for an export asked to carry secrets. */
export function unsealClientSecret(
  keyEncryptionSecret: string,
  client: { id: string; secretSealed: string },
): Promise<string> {
  return unseal(keyEncryptionSecret, client.secretSealed, aad(client.id));
}
