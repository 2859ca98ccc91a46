import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import type { JWTPayload } from "jose";
import type { Env } from "../../../src/config";
import { sha256 } from "../../../src/crypto/digest";
import { database } from "../../../src/db/client";
import { findRealmByName } from "../../../src/db/realms";
import { authorizationCodes, clients, sessions } from "../../../src/db/schema";
import type { SigningAlg } from "../../../src/keys/generate";
import { realmKeys } from "../../../src/keys/realm-keys";
import { signJwt } from "../../../src/keys/sign";

/**
 * Direct access to a test realm's rows in the real local D1, for states a request cannot
 * reach quickly: a disabled client, an expired code, a session signed in long ago.
 */
const db = database((env as unknown as Env).DB);

export async function realmId(realmName: string): Promise<string> {
  const realm = await findRealmByName(db, realmName);
  if (!realm) throw new Error(`no realm ${realmName}`);
  return realm.id;
}

export async function disableClient(realmName: string, clientId: string): Promise<void> {
  await db
    .update(clients)
    .set({ enabled: false })
    .where(and(eq(clients.realmId, await realmId(realmName)), eq(clients.clientId, clientId)));
}

/** Moves an authorization code's expiry; codes are stored by their SHA-256 only. */
export async function setCodeExpiry(code: string, expiresAt: number): Promise<void> {
  await db
    .update(authorizationCodes)
    .set({ expiresAt })
    .where(eq(authorizationCodes.codeHash, await sha256(code)));
}

/** Moves a session's authentication time into the past, as if the person signed in then. */
export async function setSessionAuthTime(sessionId: string, authTime: number): Promise<void> {
  await db.update(sessions).set({ authTime }).where(eq(sessions.id, sessionId));
}

/** Signs claims with the realm's own active key, for tokens the server would never mint. */
export async function signAsRealm(
  realmName: string,
  payload: JWTPayload,
  header: { typ: string; alg?: SigningAlg },
): Promise<string> {
  const keys = await realmKeys(env as unknown as Env, await realmId(realmName));
  return signJwt(keys, payload, header);
}
