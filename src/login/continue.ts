import type { Context } from "hono";
import type { AppEnv } from "../config";
import { endSession, reauthenticateSession, type Session, startSession } from "../db/sessions";
import type { User } from "../db/users";
import type { Params } from "../http/params";
import { completeAuthorization } from "../oidc/authorize/complete";
import { type AuthorizationRequest, RedirectableError } from "../oidc/authorize/request";
import { readAuthorizationRequest } from "../oidc/authorize/resolve";
import { respondWithError } from "../oidc/authorize/respond";
import { announceSessionEnd } from "../oidc/backchannel/announce";
import { deviceReturnUrl } from "./device-page";
import { currentSession, setSessionCookie } from "./sso-cookie";

/**
 * The pending authorization request a sign-in or sign-up form carries, re-validated on every
 * step; `undefined` when the person came for the account console.
 */
export async function pendingRequest(
  c: Context<AppEnv>,
  params: Params,
): Promise<AuthorizationRequest | RedirectableError | undefined> {
  if (params.client_id === undefined) return undefined;
  try {
    return await readAuthorizationRequest(c, params);
  } catch (error) {
    if (error instanceof RedirectableError) return error;
    throw error;
  }
}

/**
 * After a successful sign-in: the same person's session records the fresh authentication,
 * anyone else's is ended and a new one starts.
 */
export async function establishSession(
  c: Context<AppEnv>,
  user: User,
  amr: string[],
  now: number,
): Promise<Session> {
  const { db, realm } = c.var;
  const existing = await currentSession(c, db, realm, now);
  if (existing?.userId === user.id) return reauthenticateSession(db, existing, amr, now);
  if (existing) await announceSessionEnd(c, await endSession(db, existing.id));

  const { session, secret } = await startSession(db, realm, user.id, amr, now);
  setSessionCookie(c, realm, secret, session.id);
  return session;
}

/**
 * Sends the person on: to consent or the client with a code, back to the device page that sent
 * them, or to the account console.
 */
export function continueAfterSignIn(
  c: Context<AppEnv>,
  pending: AuthorizationRequest | undefined,
  session: Session,
  now: number,
  params: Params = {},
): Promise<Response> | Response {
  const device = pending === undefined ? deviceReturnUrl(c.var.realm, params) : undefined;
  if (device !== undefined) return c.redirect(device, 303);
  if (pending === undefined) return c.redirect(`/realms/${c.var.realm.name}/account`, 303);
  // The person has just signed in for this request: Keycloak's acr "1".
  return completeAuthorization(c, pending, session, now, "1");
}

/** Answers a pending request that turned out invalid by redirecting the error to the client. */
export function answerInvalidRequest(c: Context<AppEnv>, error: RedirectableError) {
  return respondWithError(c, error, error.error);
}
