import type { Context } from "hono";
import type { AppEnv } from "../config";
import { isCredentialRegistered } from "../db/passkeys";
import { findLoginCandidate } from "../db/users";
import { storeChallenge } from "../db/webauthn-challenges";
import type { Params } from "../http/params";
import { PasskeyError } from "../webauthn/errors";
import { passkeyPolicy } from "../webauthn/policy";
import { newUserHandle, registrationOptions, verifyRegistration } from "../webauthn/registration";
import { parseRegistrationResponse } from "../webauthn/response";
import { startPasskeyAttempt } from "./passkey-attempt";
import { passkeyAmr, takeChallenge } from "./passkey-sign-in";
import { checkPasskeyRegistration, type PasskeyRegistrationCheck } from "./registration-form";

/**
 * Starts a passkey sign-up: checks the person's details, then issues creation options whose
 * challenge, bound to this browser, remembers who the account is for.
 */
export async function startPasskeySignUp(
  c: Context<AppEnv>,
  form: Params,
  now: number,
): Promise<Extract<PasskeyRegistrationCheck, { ok: false }> | { ok: true; options: unknown }> {
  const check = checkPasskeyRegistration(form);
  if (!check.ok) return check;
  const { email, firstName, lastName } = check.profile;
  const { db, realm } = c.var;

  // The password sign-up tells a taken address too; telling it before the ceremony saves one.
  const existing = await findLoginCandidate(db, realm.id, email);
  if (existing) {
    return {
      ok: false,
      values: { email, firstName, lastName },
      fieldErrors: { email: "register.emailTaken" },
      fieldParams: {},
    };
  }

  const userHandle = newUserHandle();
  const displayName = `${firstName} ${lastName}`;
  const policy = passkeyPolicy(realm, c.req.url);
  const options = await registrationOptions(policy, { userHandle, name: email, displayName });
  const pending = { email, firstName, lastName, userHandle };
  const attempt = startPasskeyAttempt(c);
  await storeChallenge(db, realm.id, attempt, "registration", options.challenge, now, pending);
  return { ok: true, options };
}

/** Verifies the browser's new credential for the sign-up its challenge remembers. */
export async function finishPasskeySignUp(
  c: Context<AppEnv>,
  credentialJson: string | undefined,
  label: string,
  now: number,
) {
  const { db, realm } = c.var;
  const stored = await takeChallenge(c, "registration", now);
  const pending = stored.pending;
  if (!pending || !("email" in pending)) throw new PasskeyError("passkey_challenge_invalid");
  const response = parseRegistrationResponse(credentialJson);

  const policy = passkeyPolicy(realm, c.req.url);
  const owner = { userHandle: pending.userHandle, label };
  const passkey = await verifyRegistration(policy, response, stored.challenge, owner, now);
  // A credential id belongs to one person: it can be neither registered again nor taken over.
  if (await isCredentialRegistered(db, realm.id, passkey.credentialId)) {
    throw new PasskeyError("passkey_already_registered");
  }
  return { pending, passkey, amr: passkeyAmr(passkey) };
}
