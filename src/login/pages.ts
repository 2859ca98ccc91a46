import type { Context } from "hono";
import { LoginPage } from "../../templates/login-page";
import { type RegisterField, RegisterPage } from "../../templates/register-page";
import type { AppEnv } from "../config";
import { PASSWORD_MIN_LENGTH } from "../crypto/password";
import type { Realm } from "../db/realms";
import { issueCsrfToken } from "../http/csrf";
import { PageError } from "../http/errors";
import type { Params } from "../http/params";
import { renderPage } from "../http/render";
import type { MessageKey } from "../i18n";

/** Carries a pending authorization request's parameters from page to page. */
function withParams(path: string, params: Params): string {
  const query = new URLSearchParams(params).toString();
  return query ? `${path}?${query}` : path;
}

export function loginActionUrl(realm: Realm, params: Params): string {
  return withParams(`/realms/${realm.name}/login-actions/authenticate`, params);
}

export function registrationPageUrl(realm: Realm, params: Params): string {
  return withParams(`/realms/${realm.name}/protocol/openid-connect/registrations`, params);
}

function registrationActionUrl(realm: Realm, params: Params): string {
  return withParams(`/realms/${realm.name}/login-actions/registration`, params);
}

/** The passkey ceremony endpoints, carrying the pending request like the forms do. */
function passkeyUrls(realm: Realm, params: Params, ceremony: "authentication" | "registration") {
  const base = `/realms/${realm.name}/login-actions/passkey`;
  const action = ceremony === "authentication" ? "authenticate" : "registration";
  return {
    action: withParams(`${base}/${action}`, params),
    optionsUrl: `${base}/${ceremony}-options`,
  };
}

function realmName(realm: Realm): string {
  return realm.displayName ?? realm.name;
}

/** The sign-in page, for a pending authorization request or for the account console. */
export async function showLoginPage(
  c: Context<AppEnv>,
  params: Params,
  options: { login?: string; errorKey?: MessageKey; status?: number } = {},
) {
  const realm = c.var.realm;
  const page = LoginPage({
    t: c.var.t,
    locale: c.var.locale,
    realmName: realmName(realm),
    action: loginActionUrl(realm, params),
    registerUrl: realm.registrationAllowed ? registrationPageUrl(realm, params) : undefined,
    csrfToken: await issueCsrfToken(c),
    login: options.login,
    errorKey: options.errorKey,
    passkey: passkeyUrls(realm, params, "authentication"),
  });
  return renderPage(c, page, options.status);
}

export interface RegistrationState {
  values?: { email?: string; firstName?: string; lastName?: string };
  fieldErrors?: Partial<Record<RegisterField, MessageKey>>;
  fieldParams?: Partial<Record<string, Record<string, string>>>;
  formErrorKey?: MessageKey;
  status?: number;
}

/** The sign-up page; refused when the realm does not allow self-registration. */
export async function showRegistrationPage(
  c: Context<AppEnv>,
  params: Params,
  state: RegistrationState = {},
) {
  const realm = c.var.realm;
  if (!realm.registrationAllowed) throw new PageError("error.registrationDisabled", 403);

  const page = RegisterPage({
    t: c.var.t,
    locale: c.var.locale,
    realmName: realmName(realm),
    action: registrationActionUrl(realm, params),
    loginUrl: loginActionUrl(realm, params),
    csrfToken: await issueCsrfToken(c),
    values: state.values ?? {},
    fieldErrors: state.fieldErrors ?? {},
    fieldParams: state.fieldParams,
    formErrorKey: state.formErrorKey,
    passwordMinLength: PASSWORD_MIN_LENGTH,
    passkey: passkeyUrls(realm, params, "registration"),
  });
  return renderPage(c, page, state.status);
}
