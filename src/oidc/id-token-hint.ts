import type { Context } from "hono";
import { decodeJwt, type JWTPayload } from "jose";
import type { AppEnv } from "../config";
import { realmKeys } from "../keys/realm-keys";
import { verifyJwt } from "../keys/sign";

/**
 * Verifies an ID token a relying party sends back as a hint (`id_token_hint`). It may have
 * expired (OpenID Connect Core §3.1.2.1, RP-Initiated Logout §2), so it is checked as of its
 * own issue time: signature, issuer and type must still hold. Undefined when it does not.
 */
export async function verifyIdTokenHint(
  c: Context<AppEnv>,
  hint: string,
): Promise<JWTPayload | undefined> {
  try {
    const { iat } = decodeJwt(hint);
    if (typeof iat !== "number") return undefined;

    const keys = await realmKeys(c.env, c.var.realm.id);
    const claims = await verifyJwt(keys, hint, {
      issuer: c.var.issuer,
      currentDate: new Date(iat * 1000),
    });
    return claims.typ === "ID" ? claims : undefined;
  } catch {
    return undefined;
  }
}
