import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../config";
import { MAX_PASSWORD_LENGTH } from "../crypto/password";
import { createUser, DuplicateUserError } from "../db/users";
import { loginEvent } from "../events/login-events";
import { emitEvent } from "../events/record";
import { verifyCsrfToken } from "../http/csrf";
import { PageError } from "../http/errors";
import { logEvent } from "../http/log";
import { queryParams } from "../http/params";
import { RedirectableError } from "../oidc/authorize/request";
import { nowSeconds } from "../time";
import { authenticatePassword } from "./authenticate";
import {
  answerInvalidRequest,
  continueAfterSignIn,
  establishSession,
  pendingRequest,
} from "./continue";
import { showLoginPage, showRegistrationPage } from "./pages";
import { readForm } from "./read-form";
import { checkRegistration } from "./registration-form";

/** The sign-in form: an email or username and a password, both bounded. */
const loginForm = z.object({
  username: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

/** Sign-in and sign-up pages and their form actions, under `/realms/:realm`. */
export const loginRoutes = new Hono<AppEnv>();

loginRoutes.get("/login-actions/authenticate", async (c) => {
  const params = queryParams(c);
  const pending = await pendingRequest(c, params);
  if (pending instanceof RedirectableError) return answerInvalidRequest(c, pending);
  return showLoginPage(c, params, { login: pending?.loginHint });
});

loginRoutes.post("/login-actions/authenticate", async (c) => {
  const { params, form } = await readForm(c);
  await verifyCsrfToken(c, form.csrf_token);
  const pending = await pendingRequest(c, params);
  if (pending instanceof RedirectableError) return answerInvalidRequest(c, pending);

  const credentials = loginForm.safeParse(form);
  if (!credentials.success) {
    const login = form.username?.trim().slice(0, 320);
    return showLoginPage(c, params, { login, errorKey: "login.fieldsRequired", status: 400 });
  }
  const { username: login, password } = credentials.data;

  const { db, realm } = c.var;
  const outcome = await authenticatePassword(c.env, db, realm, login, password);
  const user = outcome.user;
  if (!user) {
    const { userId, error } = outcome;
    logEvent("login.failed", { realm: realm.id, client: pending?.client.clientId, userId, error });
    emitEvent(c, "LOGIN_ERROR", loginEvent(pending, login, { userId, error }));
    if (outcome.lockedOut) emitEvent(c, "USER_DISABLED_BY_TEMPORARY_LOCKOUT", { userId });
    return showLoginPage(c, params, { login, errorKey: "login.invalidCredentials", status: 401 });
  }

  const now = nowSeconds();
  const session = await establishSession(c, user, ["pwd"], now);
  logEvent("login.succeeded", { realm: realm.id, userId: user.id, sessionId: session.id });
  emitEvent(c, "LOGIN", loginEvent(pending, login, { userId: user.id, sessionId: session.id }));
  return continueAfterSignIn(c, pending, session, now, params);
});

loginRoutes.get("/protocol/openid-connect/registrations", async (c) => {
  const params = queryParams(c);
  const pending = await pendingRequest(c, params);
  if (pending instanceof RedirectableError) return answerInvalidRequest(c, pending);
  return showRegistrationPage(c, params);
});

loginRoutes.post("/login-actions/registration", async (c) => {
  const { params, form } = await readForm(c);
  await verifyCsrfToken(c, form.csrf_token);
  if (!c.var.realm.registrationAllowed) throw new PageError("error.registrationDisabled", 403);
  const pending = await pendingRequest(c, params);
  if (pending instanceof RedirectableError) return answerInvalidRequest(c, pending);

  const check = checkRegistration(form);
  if (!check.ok) return showRegistrationPage(c, params, { ...check, status: 400 });

  const { db, realm } = c.var;
  const { email, firstName, lastName, password } = check.registration;
  let user: Awaited<ReturnType<typeof createUser>>;
  try {
    user = await createUser(db, realm.id, { email, firstName, lastName, password });
  } catch (error) {
    if (!(error instanceof DuplicateUserError)) throw error;
    logEvent("register.failed", { realm: realm.id, reason: "duplicate_email" });
    emitEvent(c, "REGISTER_ERROR", loginEvent(pending, email, { error: "email_in_use" }));
    return showRegistrationPage(c, params, {
      values: { email, firstName, lastName },
      fieldErrors: { email: "register.emailTaken" },
      status: 409,
    });
  }

  const now = nowSeconds();
  const session = await establishSession(c, user, ["pwd"], now);
  logEvent("register.succeeded", { realm: realm.id, userId: user.id, sessionId: session.id });
  emitEvent(c, "REGISTER", loginEvent(pending, email, { userId: user.id, sessionId: session.id }));
  return continueAfterSignIn(c, pending, session, now, params);
});
