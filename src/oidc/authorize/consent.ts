import type { Context } from "hono";
import { ConsentPage } from "../../../templates/consent-page";
import type { AppEnv } from "../../config";
import { approvedScopes } from "../../db/consents";
import type { Session } from "../../db/sessions";
import { issueCsrfToken } from "../../http/csrf";
import type { Params } from "../../http/params";
import { renderPage } from "../../http/render";
import type { MessageKey } from "../../i18n";
import { claimsScopes } from "../claims-request";
import { freshAuthenticationProof } from "./acr";
import type { AuthorizationRequest } from "./request";

/**
 * The scopes a person is asked about, with their description on the consent page. `openid`,
 * `web-origins`, `acr` and `basic` are not shown, as in Keycloak ("display on consent screen").
 */
export const consentScopeMessages: Record<string, MessageKey> = {
  profile: "consent.scope.profile",
  email: "consent.scope.email",
  address: "consent.scope.address",
  phone: "consent.scope.phone",
  offline_access: "consent.scope.offlineAccess",
  roles: "consent.scope.roles",
};

/**
 * The scopes of a request that need the person's approval: the granted ones, and those
 * holding claims asked for by name in the `claims` parameter (OpenID Connect Core §5.5).
 * Realm-defined scopes all need it.
 */
export function consentScopes(request: AuthorizationRequest): string[] {
  const realmNames = new Set(request.scopeSet.realmScopes.map((realmScope) => realmScope.name));
  const values = [...request.scope.split(" "), ...claimsScopes(request.claims, request.client)];
  return [...new Set(values)].filter(
    (value) => Object.hasOwn(consentScopeMessages, value) || realmNames.has(value),
  );
}

/** A scope's line on the consent page: a built-in's message, a realm scope's own text. */
function describeScope(c: Context<AppEnv>, request: AuthorizationRequest, scope: string) {
  const message = consentScopeMessages[scope];
  if (message !== undefined) return c.var.t(message);
  const realmScope = request.scopeSet.realmScopes.find((entry) => entry.name === scope);
  // Keycloak's `consent.screen.text`, else the scope's name.
  return realmScope?.consentScreenText ?? scope;
}

/**
 * The scopes the person still has to approve: none for first-party clients, all of them with
 * prompt=consent (OpenID Connect Core §3.1.2.1), else those not approved before.
 */
export async function missingConsent(
  c: Context<AppEnv>,
  request: AuthorizationRequest,
  session: Session,
): Promise<string[]> {
  if (!request.client.consentRequired) return [];
  const scopes = consentScopes(request);
  if (request.prompt.includes("consent")) return scopes;

  const approved = await approvedScopes(c.var.db, session.userId, request.client.id, scopes);
  return scopes.filter((scope) => !approved.has(scope));
}

export function consentActionUrl(realmName: string, params: Params): string {
  const query = new URLSearchParams(params).toString();
  return `/realms/${realmName}/login-actions/consent?${query}`;
}

/**
 * The consent page: what the application asks for, with approve and deny buttons. With the
 * session the person has just signed in to, the form carries proof of that for the acr.
 */
export async function showConsentPage(
  c: Context<AppEnv>,
  request: AuthorizationRequest,
  scopes: string[],
  signedInNow?: Session,
) {
  const { realm, t } = c.var;
  const params = signedInNow
    ? await freshAuthenticationProof(c, request.params, signedInNow)
    : request.params;
  const page = ConsentPage({
    t,
    locale: c.var.locale,
    realmName: realm.displayName ?? realm.name,
    clientName: request.client.name ?? request.client.clientId,
    scopes: scopes.map((scope) => describeScope(c, request, scope)),
    action: consentActionUrl(realm.name, params),
    csrfToken: await issueCsrfToken(c),
  });
  return renderPage(c, page);
}
