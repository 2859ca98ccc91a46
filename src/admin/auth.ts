import type { Context, MiddlewareHandler } from "hono";
import { decodeJwt, type JWTPayload } from "jose";
import type { AppEnv } from "../config";
import { findRealmByName, type Realm } from "../db/realms";
import { offlineSessionLives } from "../db/refresh-tokens";
import { isAccessTokenRevoked } from "../db/revoked-access-tokens";
import { findSessionById } from "../db/sessions";
import { findUserById } from "../db/users";
import { realmKeys } from "../keys/realm-keys";
import { verifyJwt } from "../keys/sign";
import { boundJkt } from "../oidc/dpop/binding";
import { nowSeconds } from "../time";
import { ensureBootstrap } from "./bootstrap";
import { AdminError } from "./errors";
import { type AdminRole, allows, REALM_MANAGEMENT } from "./permissions";

/** The master realm, whose administrators may administer every realm. */
export const MASTER_REALM = "master";

/** Who calls the admin API: the realm that issued their token, and its claims. */
export interface Administrator {
  realm: Realm;
  userId: string;
  clientId: string;
  claims: JWTPayload;
}

function rolesOf(claims: JWTPayload, client: string): string[] {
  const access = claims.resource_access as Record<string, { roles?: unknown }> | undefined;
  const roles = access?.[client]?.roles;
  return Array.isArray(roles) ? roles.filter((role) => typeof role === "string") : [];
}

/**
 * The admin roles a token grants over `realmName`. From the realm itself, its
 * `realm-management` client roles. From the master realm, Keycloak's `admin` realm role
 * (every realm) or the `<realm>-realm` client's roles.
 */
export function grantedRoles(admin: Administrator, realmName: string): Set<string> {
  const granted = new Set<string>();
  if (admin.realm.name === realmName) {
    for (const role of rolesOf(admin.claims, REALM_MANAGEMENT)) granted.add(role);
  }
  if (admin.realm.name === MASTER_REALM) {
    const realmAccess = admin.claims.realm_access as { roles?: unknown } | undefined;
    const realmRoles = Array.isArray(realmAccess?.roles) ? realmAccess.roles : [];
    if (realmRoles.includes("admin")) granted.add("realm-admin");
    for (const role of rolesOf(admin.claims, `${realmName}-realm`)) granted.add(role);
  }
  return granted;
}

/** Refuses with 403 unless the caller holds `role` (or one implying it) over `realmName`. */
export function requireRole(c: Context<AppEnv>, realmName: string, role: AdminRole): void {
  const admin = c.var.admin;
  if (!admin || !allows(grantedRoles(admin, realmName), role)) throw AdminError.forbidden();
}

/** The realm a path under `/admin/realms/` names, if any. */
function targetRealmName(path: string): string | undefined {
  const name = path.split("/")[3];
  return name ? decodeURIComponent(name) : undefined;
}

function bearerToken(c: Context<AppEnv>): string {
  const header = c.req.header("authorization") ?? "";
  if (!header.toLowerCase().startsWith("bearer ")) throw AdminError.unauthorized();
  return header.slice(7).trim();
}

/** The realm that issued the token: the master realm, or the realm being administered. */
async function issuingRealm(c: Context<AppEnv>, token: string): Promise<Realm> {
  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    throw AdminError.unauthorized();
  }
  const prefix = `${new URL(c.req.url).origin}/realms/`;
  if (typeof issuer !== "string" || !issuer.startsWith(prefix)) throw AdminError.unauthorized();
  const name = issuer.slice(prefix.length);
  if (name !== MASTER_REALM && name !== targetRealmName(c.req.path)) {
    throw AdminError.unauthorized();
  }
  const realm = await findRealmByName(c.var.db, name);
  if (!realm?.enabled) throw AdminError.unauthorized();
  return realm;
}

/**
 * The token was not revoked, its user is enabled and, for a person, the session it was issued
 * in lives on.
 */
async function checkLive(c: Context<AppEnv>, realm: Realm, claims: JWTPayload) {
  const { db } = c.var;
  const now = nowSeconds();
  const [user, revoked] = await Promise.all([
    findUserById(db, realm.id, String(claims.sub)),
    isAccessTokenRevoked(db, realm.id, claims),
  ]);
  // RFC 7009: a revoked access token is refused here as at userinfo and introspection.
  if (revoked || !user?.enabled) throw AdminError.unauthorized();
  // A service account's client_credentials token has no session (Keycloak's automation case).
  if (typeof claims.sid !== "string") {
    if (!user.serviceAccountClientId) throw AdminError.unauthorized();
    return;
  }
  const session = await findSessionById(db, realm, claims.sid, now);
  const live = session
    ? session.userId === user.id
    : await offlineSessionLives(db, claims.sid, user.id, now);
  if (!live) throw AdminError.unauthorized();
}

/**
 * Authenticates every admin API request with a bearer access token (RFC 6750 §2.1) signed
 * by the issuing realm's keys, as Keycloak's admin API does; roles are checked per route.
 */
export const adminAuthentication: MiddlewareHandler<AppEnv> = async (c, next) => {
  await ensureBootstrap(c.env, c.var.db);
  const token = bearerToken(c);
  const realm = await issuingRealm(c, token);
  const keys = await realmKeys(c.env, realm.id);
  const issuer = `${new URL(c.req.url).origin}/realms/${realm.name}`;
  const claims = await verifyJwt(keys, token, { issuer, typ: "at+jwt" }).catch(() => {
    throw AdminError.unauthorized();
  });
  // RFC 9449 §7.1: a DPoP-bound token needs its proof, which the admin API does not take.
  if (boundJkt(claims)) throw AdminError.unauthorized();
  await checkLive(c, realm, claims);

  const clientId = typeof claims.azp === "string" ? claims.azp : "";
  c.set("admin", { realm, userId: String(claims.sub), clientId, claims });
  await next();
};
