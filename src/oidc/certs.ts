import type { Context } from "hono";
import type { AppEnv } from "../config";
import { realmKeys } from "../keys/realm-keys";

/** The realm's JWKS (RFC 7517), public and cacheable, readable from any origin. */
export async function certsEndpoint(c: Context<AppEnv>): Promise<Response> {
  const keys = await realmKeys(c.env, c.var.realm.id);
  c.header("Cache-Control", "public, max-age=300");
  c.header("Access-Control-Allow-Origin", "*");
  return c.json(keys.jwks, 200, { "Content-Type": "application/jwk-set+json" });
}
