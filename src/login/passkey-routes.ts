import { type Context, Hono } from "hono";
import type { AppEnv } from "../config";
import { createUser, DuplicateUserError } from "../db/users";
import { storeChallenge } from "../db/webauthn-challenges";
import { passkeyEvent } from "../events/login-events";
import { emitEvent } from "../events/record";
import { verifyCsrfToken } from "../http/csrf";
import { PageError } from "../http/errors";
import { logEvent } from "../http/log";
import type { Params } from "../http/params";
import type { AuthorizationRequest } from "../oidc/authorize/request";
import { RedirectableError } from "../oidc/authorize/request";
import { nowSeconds } from "../time";
import { authenticationOptions } from "../webauthn/authentication";
import { PasskeyError } from "../webauthn/errors";
import { passkeyPolicy } from "../webauthn/policy";
import {
  answerInvalidRequest,
  continueAfterSignIn,
  establishSession,
  pendingRequest,
} from "./continue";
import { showLoginPage, showRegistrationPage } from "./pages";
import { startPasskeyAttempt } from "./passkey-attempt";
import { authenticatePasskey } from "./passkey-sign-in";
import { finishPasskeySignUp, startPasskeySignUp } from "./passkey-sign-up";
import { readForm } from "./read-form";

/** Passkey sign-in and sign-up, under `/realms/:realm/login-actions/passkey`. */
export const passkeyRoutes = new Hono<AppEnv>();

/** A ceremony's options; the script hands them to the browser's WebAuthn API. */
passkeyRoutes.post("/authentication-options", async (c) => {
  const { form } = await readForm(c);
  await verifyCsrfToken(c, form.csrf_token);

  const { db, realm } = c.var;
  // TODO(passkey-options-write): the sign-in page asks for these on load for autofill, so
  // every view of it costs a D1 write; a sealed, stateless challenge with a consumed-set
  // (or a Durable Object) would move that write to the sign-in itself.
  const options = await authenticationOptions(passkeyPolicy(realm, c.req.url));
  const attempt = startPasskeyAttempt(c);
  await storeChallenge(db, realm.id, attempt, "authentication", options.challenge, nowSeconds());
  return c.json(options);
});

passkeyRoutes.post("/authenticate", async (c) => {
  const { params, form } = await readForm(c);
  await verifyCsrfToken(c, form.csrf_token);
  const pending = await pendingRequest(c, params);
  if (pending instanceof RedirectableError) return answerInvalidRequest(c, pending);

  const { realm } = c.var;
  const now = nowSeconds();
  let signedIn: Awaited<ReturnType<typeof authenticatePasskey>>;
  try {
    signedIn = await authenticatePasskey(c, form.credential, now);
  } catch (error) {
    if (!(error instanceof PasskeyError)) throw error;
    const { userId, failure } = error;
    logEvent("login.failed", {
      realm: realm.id,
      client: pending?.client.clientId,
      userId,
      error: failure,
    });
    emitEvent(c, "LOGIN_ERROR", passkeyEvent(pending, "", { userId, error: failure }));
    if (error.lockedOut) emitEvent(c, "USER_DISABLED_BY_TEMPORARY_LOCKOUT", { userId });
    return showLoginPage(c, params, { errorKey: error.messageKey, status: 400 });
  }

  const { user, amr } = signedIn;
  const session = await establishSession(c, user, amr, now);
  // TODO(passkey-step-up-acr): acr stays Keycloak's "1" as after a password; a realm mapping
  // of passkey (and passkey + password) to a higher level of assurance is not built.
  logEvent("login.succeeded", { realm: realm.id, userId: user.id, sessionId: session.id });
  const fields = { userId: user.id, sessionId: session.id };
  emitEvent(c, "LOGIN", passkeyEvent(pending, user.username, fields));
  return continueAfterSignIn(c, pending, session, now, params);
});

passkeyRoutes.post("/registration-options", async (c) => {
  const { form } = await readForm(c);
  await verifyCsrfToken(c, form.csrf_token);
  if (!c.var.realm.registrationAllowed) throw new PageError("error.registrationDisabled", 403);

  const started = await startPasskeySignUp(c, form, nowSeconds());
  if (started.ok) return c.json(started.options);
  const [field, key] = Object.entries(started.fieldErrors)[0] ?? ["email", "form.fixErrors"];
  const message = c.var.t(key ?? "form.fixErrors", started.fieldParams[field]);
  return c.json({ error: "invalid_request", error_description: message, field }, 400);
});

passkeyRoutes.post("/registration", async (c) => {
  const { params, form } = await readForm(c);
  await verifyCsrfToken(c, form.csrf_token);
  if (!c.var.realm.registrationAllowed) throw new PageError("error.registrationDisabled", 403);
  const pending = await pendingRequest(c, params);
  if (pending instanceof RedirectableError) return answerInvalidRequest(c, pending);

  const { db, realm, t } = c.var;
  const now = nowSeconds();
  let finished: Awaited<ReturnType<typeof finishPasskeySignUp>>;
  try {
    finished = await finishPasskeySignUp(c, form.credential, t("passkey.defaultName"), now);
  } catch (error) {
    if (!(error instanceof PasskeyError)) throw error;
    return refuseSignUp(c, pending, params, error.failure, error.messageKey);
  }

  const { email, firstName, lastName } = finished.pending;
  let user: Awaited<ReturnType<typeof createUser>>;
  try {
    user = await createUser(db, realm.id, {
      email,
      firstName,
      lastName,
      passkey: finished.passkey,
    });
  } catch (error) {
    if (!(error instanceof DuplicateUserError)) throw error;
    if (error.field === "passkey") {
      return refuseSignUp(
        c,
        pending,
        params,
        "passkey_already_registered",
        "passkey.alreadyRegistered",
      );
    }
    return refuseSignUp(c, pending, params, "email_in_use", "register.emailTaken");
  }

  const session = await establishSession(c, user, finished.amr, now);
  logEvent("register.succeeded", { realm: realm.id, userId: user.id, sessionId: session.id });
  const fields = { userId: user.id, sessionId: session.id };
  emitEvent(c, "REGISTER", passkeyEvent(pending, email, fields));
  return continueAfterSignIn(c, pending, session, now, params);
});

/** Records a refused passkey sign-up and shows the sign-up page again with the reason. */
function refuseSignUp(
  c: Context<AppEnv>,
  pending: AuthorizationRequest | undefined,
  params: Params,
  failure: string,
  messageKey: PasskeyError["messageKey"],
) {
  logEvent("register.failed", { realm: c.var.realm.id, reason: failure });
  emitEvent(c, "REGISTER_ERROR", passkeyEvent(pending, "", { error: failure }));
  return showRegistrationPage(c, params, { formErrorKey: messageKey, status: 400 });
}
