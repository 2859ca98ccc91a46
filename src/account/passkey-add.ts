import type { Context } from "hono";
import type { AppEnv } from "../config";
import { addPasskey, DuplicatePasskeyError, listUserPasskeys } from "../db/passkeys";
import type { PendingPasskeyAddition } from "../db/schema";
import type { Session } from "../db/sessions";
import type { User } from "../db/users";
import { findUserById } from "../db/users";
import { consumeChallenge, storeChallenge } from "../db/webauthn-challenges";
import { emitEvent } from "../events/record";
import { PageError } from "../http/errors";
import { logEvent } from "../http/log";
import { nowSeconds } from "../time";
import { PasskeyError } from "../webauthn/errors";
import { passkeyPolicy } from "../webauthn/policy";
import { newUserHandle, registrationOptions, verifyRegistration } from "../webauthn/registration";
import { parseRegistrationResponse } from "../webauthn/response";
import { accountForm, PASSKEY_CREDENTIAL_TYPE, toSignIn } from "./passkeys";

/**
 * How long after signing in a person may add a passkey: Keycloak's default maximum age of
 * authentication for credential setup. Later, they sign in again first, so a session left
 * open on a shared computer cannot be given an attacker's passkey.
 */
export const MAX_AUTH_AGE_SECONDS = 300;

const CEREMONY = "account-registration";

/** Whether the session's sign-in is recent enough to add a credential. */
export function isFreshSignIn(session: Pick<Session, "authTime">, now: number): boolean {
  return now - session.authTime <= MAX_AUTH_AGE_SECONDS;
}

/**
 * Creation options for a new passkey for the signed-in person: their existing user handle
 * (or a new one), their credentials excluded, and a challenge bound to this session.
 */
export async function addPasskeyOptions(c: Context<AppEnv>): Promise<Response> {
  const { session } = await accountForm(c);
  const { db, realm, t } = c.var;
  const now = nowSeconds();
  const user = session && (await findUserById(db, realm.id, session.userId));
  if (!session || !user) {
    return c.json({ error: "login_required", error_description: t("account.signInAgain") }, 401);
  }
  if (!isFreshSignIn(session, now)) {
    const description = t("account.passkeyReauthenticate");
    return c.json({ error: "reauthentication_required", error_description: description }, 403);
  }

  const existing = await listUserPasskeys(db, user.id);
  const userHandle = existing[0]?.userHandle ?? newUserHandle();
  const owner = { userHandle, ...accountNames(user) };
  const options = await registrationOptions(passkeyPolicy(realm, c.req.url), owner, existing);
  const pending: PendingPasskeyAddition = { userId: user.id, userHandle };
  await storeChallenge(db, realm.id, session.id, CEREMONY, options.challenge, now, pending);
  return c.json(options);
}

/** Verifies the browser's new credential and stores it for the signed-in person. */
export async function addPasskeyRegistration(c: Context<AppEnv>): Promise<Response> {
  const { form, session } = await accountForm(c);
  if (!session) return toSignIn(c);

  const { db, realm, t } = c.var;
  const now = nowSeconds();
  const fields = { userId: session.userId, sessionId: session.id };
  try {
    const pending = await takeSessionChallenge(c, session, now);
    const response = parseRegistrationResponse(form.credential);
    const owner = { userHandle: pending.userHandle, label: t("passkey.defaultName") };
    const policy = passkeyPolicy(realm, c.req.url);
    const verified = await verifyRegistration(policy, response, pending.challenge, owner, now);
    const passkey = await addPasskey(db, realm.id, session.userId, verified).catch((error) => {
      if (error instanceof DuplicatePasskeyError) {
        throw new PasskeyError("passkey_already_registered", session.userId);
      }
      throw error;
    });

    const details = {
      credential_type: PASSKEY_CREDENTIAL_TYPE,
      credential_id: passkey.id,
      credential_user_label: passkey.name,
    };
    emitEvent(c, "UPDATE_CREDENTIAL", { ...fields, details });
    logEvent("passkey.added", { realm: realm.id, userId: session.userId, passkeyId: passkey.id });
    return c.redirect(`/realms/${realm.name}/account`, 303);
  } catch (error) {
    if (!(error instanceof PasskeyError)) throw error;
    const details = { credential_type: PASSKEY_CREDENTIAL_TYPE };
    emitEvent(c, "UPDATE_CREDENTIAL_ERROR", { ...fields, error: error.failure, details });
    logEvent("passkey.add_failed", {
      realm: realm.id,
      userId: session.userId,
      error: error.failure,
    });
    throw new PageError(error.messageKey);
  }
}

/**
 * Takes this session's challenge once. A missing, replayed or expired one, one issued to
 * another person, or a sign-in grown stale since, refuses the response.
 */
async function takeSessionChallenge(c: Context<AppEnv>, session: Session, now: number) {
  const stored = await consumeChallenge(c.var.db, c.var.realm.id, session.id, CEREMONY);
  const pending = stored?.pending;
  if (!stored || stored.expiresAt <= now || !pending || !("userId" in pending)) {
    throw new PasskeyError("passkey_challenge_invalid");
  }
  if (pending.userId !== session.userId || !isFreshSignIn(session, now)) {
    throw new PasskeyError("passkey_challenge_invalid");
  }
  return { challenge: stored.challenge, userHandle: pending.userHandle };
}

/** The names the authenticator shows for the account: its email or username, and full name. */
function accountNames(user: User): { name: string; displayName: string } {
  const name = user.email ?? user.username;
  const full = [user.firstName, user.lastName].filter(Boolean).join(" ");
  return { name, displayName: full || name };
}
