/** KEY_ENCRYPTION_SECRET must carry at least 256 bits. */
export const MIN_SECRET_BYTES = 32;

/** Thrown when a deployment secret is missing or malformed; the operator must fix it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Decodes a base64 deployment secret, refusing one that is missing, malformed or short. */
export function secretBytes(secret: string | undefined): Uint8Array<ArrayBuffer> {
  if (!secret) throw new ConfigError("KEY_ENCRYPTION_SECRET is not set");

  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = Uint8Array.from(atob(secret), (char) => char.charCodeAt(0));
  } catch {
    throw new ConfigError("KEY_ENCRYPTION_SECRET is not valid base64");
  }
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new ConfigError(
      `KEY_ENCRYPTION_SECRET must decode to at least ${MIN_SECRET_BYTES} bytes`,
    );
  }
  return bytes;
}
