import { base64url } from "jose";
import type { Client } from "../../db/clients";
import type { Realm } from "../../db/realms";
import { isSigningAlg, type SigningAlg } from "../../keys/generate";

type AlgSettings = Pick<Realm, "defaultSignatureAlgorithm">;
type ClientAlgs = Pick<Client, "accessTokenAlg" | "idTokenAlg">;

function configured(value: string | null): SigningAlg | undefined {
  return value !== null && isSigningAlg(value) ? value : undefined;
}

/** The access token's alg: the client's choice, else the realm's, else ES256. */
export function accessTokenAlg(realm: AlgSettings, client: ClientAlgs): SigningAlg {
  return (
    configured(client.accessTokenAlg) ?? configured(realm.defaultSignatureAlgorithm) ?? "ES256"
  );
}

/**
 * The ID token's alg: the client's choice, else the realm's, else RS256, OpenID Connect's
 * default `id_token_signed_response_alg` (Registration §2).
 */
export function idTokenAlg(realm: AlgSettings, client: ClientAlgs): SigningAlg {
  return configured(client.idTokenAlg) ?? configured(realm.defaultSignatureAlgorithm) ?? "RS256";
}

// ES256 and RS256 hash with SHA-256; Ed25519 signs over SHA-512, which EdDSA's half-hashes use.
const hashOf: Record<SigningAlg, string> = { ES256: "SHA-256", RS256: "SHA-256", EdDSA: "SHA-512" };

/**
 * OpenID Connect Core §3.1.3.6 and §3.3.2.11 (`at_hash`, `c_hash`): the left half of the
 * value's hash, with the hash of the ID token's alg.
 */
export async function halfHash(alg: SigningAlg, value: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest(hashOf[alg], new TextEncoder().encode(value)),
  );
  return base64url.encode(digest.slice(0, digest.length / 2));
}
