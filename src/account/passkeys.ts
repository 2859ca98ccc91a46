import type { Context } from "hono";
import type { AccountPasskey } from "../../templates/account-passkeys";
import type { AppEnv } from "../config";
import { listUserPasskeys, removePasskeyUnlessLast, renamePasskey } from "../db/passkeys";
import type { Session } from "../db/sessions";
import { emitEvent } from "../events/record";
import { verifyCsrfToken } from "../http/csrf";
import { OAuthError, PageError } from "../http/errors";
import { logEvent } from "../http/log";
import { formParams, type Params } from "../http/params";
import type { MessageKey } from "../i18n";
import { currentSession } from "../login/sso-cookie";
import { nowSeconds } from "../time";

/** Keycloak's credential type for a passkey (a passwordless WebAuthn credential). */
export const PASSKEY_CREDENTIAL_TYPE = "webauthn-passwordless";

/** The longest passkey name, as the rename form's maxlength says. */
export const MAX_PASSKEY_NAME = 64;

/** A person's passkeys as the account page shows them. */
export async function accountPasskeys(c: Context<AppEnv>, userId: string) {
  const stored = await listUserPasskeys(c.var.db, userId);
  return stored.map(
    (passkey): AccountPasskey => ({
      id: passkey.id,
      name: passkey.name,
      createdAt: new Date(passkey.createdAt * 1000),
      lastUsedAt: passkey.lastUsedAt === null ? null : new Date(passkey.lastUsedAt * 1000),
      synced: passkey.backupEligible,
    }),
  );
}

/**
 * Reads an account form: a malformed body is a bad request, a missing or foreign CSRF token
 * refuses it, and without a live session there is nobody to act for.
 */
export async function accountForm(
  c: Context<AppEnv>,
): Promise<{ form: Params; session: Session | undefined }> {
  const form = await formParams(c).catch((error) => {
    if (error instanceof OAuthError) throw new PageError("error.invalidRequest");
    throw error;
  });
  await verifyCsrfToken(c, form.csrf_token);
  const { db, realm } = c.var;
  return { form, session: await currentSession(c, db, realm, nowSeconds()) };
}

/** Where a form posted without a live session goes: the sign-in page. */
export function toSignIn(c: Context<AppEnv>): Response {
  return c.redirect(`/realms/${c.var.realm.name}/login-actions/authenticate`, 303);
}

/** A name a person gave a passkey, trimmed: 1 to 64 characters, no control characters. */
export function checkPasskeyName(
  raw: string | undefined,
): { ok: true; name: string } | { ok: false; messageKey: MessageKey } {
  const name = raw?.trim() ?? "";
  if (name === "" || [...name].length > MAX_PASSKEY_NAME) {
    return { ok: false, messageKey: "account.passkeyNameLength" };
  }
  if (/\p{Cc}/u.test(name)) return { ok: false, messageKey: "account.passkeyNameInvalid" };
  return { ok: true, name };
}

/** Gives one of the signed-in person's passkeys the name from the form. */
export async function renameAccountPasskey(c: Context<AppEnv>): Promise<Response> {
  const { form, session } = await accountForm(c);
  if (!session) return toSignIn(c);

  const checked = checkPasskeyName(form.name);
  if (!checked.ok) throw new PageError(checked.messageKey);
  const id = form.passkey_id ?? "";
  if (!(await renamePasskey(c.var.db, session.userId, id, checked.name))) {
    throw new PageError("account.passkeyNotFound", 404);
  }

  logEvent("passkey.renamed", { realm: c.var.realm.id, userId: session.userId, passkeyId: id });
  return c.redirect(`/realms/${c.var.realm.name}/account`, 303);
}

/**
 * Removes one of the signed-in person's passkeys; their last way to sign in (no password and
 * no other passkey) is kept, with a message saying why.
 */
export async function removeAccountPasskey(c: Context<AppEnv>): Promise<Response> {
  const { form, session } = await accountForm(c);
  if (!session) return toSignIn(c);

  const { db, realm } = c.var;
  const id = form.passkey_id ?? "";
  const outcome = await removePasskeyUnlessLast(db, session.userId, id);
  const fields = { userId: session.userId, sessionId: session.id };
  if ("refused" in outcome) {
    // An id that names none of the person's passkeys is their input: it is not recorded.
    const known = outcome.refused === "last_method" ? { credential_id: id } : {};
    const details = { credential_type: PASSKEY_CREDENTIAL_TYPE, ...known };
    emitEvent(c, "REMOVE_CREDENTIAL_ERROR", { ...fields, error: outcome.refused, details });
    logEvent("passkey.remove_refused", {
      realm: realm.id,
      userId: session.userId,
      reason: outcome.refused,
    });
    if (outcome.refused === "not_found") throw new PageError("account.passkeyNotFound", 404);
    throw new PageError("account.passkeyLastMethod");
  }

  const details = {
    credential_type: PASSKEY_CREDENTIAL_TYPE,
    credential_id: outcome.removed.id,
    credential_user_label: outcome.removed.name,
  };
  emitEvent(c, "REMOVE_CREDENTIAL", { ...fields, details });
  logEvent("passkey.removed", { realm: realm.id, userId: session.userId, passkeyId: id });
  return c.redirect(`/realms/${realm.name}/account`, 303);
}
