import type { Context } from "hono";
import type { AppEnv } from "../../config";
import type { Session } from "../../db/sessions";
import type { Params } from "../../http/params";
import { SealError, seal, unseal } from "../../keys/seal";
import type { ClaimsRequest } from "../claims-request";

/**
 * Keycloak's authentication levels (its `acr` claim without level-of-authentication mapping):
 * "1" when the person authenticated for this request, "0" when an SSO session was reused.
 */
export type Acr = "0" | "1";

export const ACR_VALUES_SUPPORTED: readonly Acr[] = ["0", "1"];

/**
 * What an essential `acr` claim request (OpenID Connect Core §5.5.1.1) asks of the sign-in:
 * nothing, an authentication within this request, or a level no sign-in here reaches.
 */
export type AcrRequirement = "none" | "fresh" | "unmet";

/** The values of an essential `acr` request, id_token member first, if there is one. */
function essentialAcrValues(claims: ClaimsRequest | undefined): unknown[] | undefined {
  for (const member of [claims?.id_token, claims?.userinfo]) {
    const acr = member?.acr;
    if (!acr?.essential) continue;
    if (acr.values !== undefined) return acr.values;
    return acr.value === undefined ? [] : [acr.value];
  }
  return undefined;
}

/**
 * The requirement of an essential acr request. The lowest level asked for that we have wins:
 * "0" is met by any session, "1" by signing in again. Other levels need step-up (MFA), which
 * does not exist yet, so a request naming only them cannot be met.
 */
export function acrRequirement(claims: ClaimsRequest | undefined): AcrRequirement {
  const values = essentialAcrValues(claims);
  if (values === undefined || values.length === 0) return "none";
  if (values.includes("0")) return "none";
  if (values.includes("1")) return "fresh";
  return "unmet";
}

/** The consent page's parameter that proves the person signed in for this request. */
export const FRESH_AUTHENTICATION_PARAM = "authn";

/** What the proof is bound to: the realm and the request, as the consent form carries it. */
function proofAad(realmId: string, params: Params): string {
  const { [FRESH_AUTHENTICATION_PARAM]: _proof, ...request } = params;
  const entries = Object.entries(request).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `fresh-authentication:${realmId}:${JSON.stringify(entries)}`;
}

/**
 * The consent page's action carries the request's parameters, which the browser can edit;
 * that the person signed in for this request goes with them sealed, bound to the session's
 * authentication and the request, so the consent step knows the acr without trusting the form.
 */
export async function freshAuthenticationProof(
  c: Context<AppEnv>,
  params: Params,
  session: Session,
): Promise<Params> {
  const proof = await seal(
    c.env.KEY_ENCRYPTION_SECRET,
    `${session.id}:${session.authTime}`,
    proofAad(c.var.realm.id, params),
  );
  return { ...params, [FRESH_AUTHENTICATION_PARAM]: proof };
}

/** The acr of a consent decision: "1" only with a proof for this session's authentication. */
export async function acrOfConsent(
  c: Context<AppEnv>,
  params: Params,
  session: Session,
): Promise<Acr> {
  const proof = params[FRESH_AUTHENTICATION_PARAM];
  if (proof === undefined) return "0";
  try {
    const opened = await unseal(
      c.env.KEY_ENCRYPTION_SECRET,
      proof,
      proofAad(c.var.realm.id, params),
    );
    return opened === `${session.id}:${session.authTime}` ? "1" : "0";
  } catch (error) {
    if (error instanceof SealError) return "0";
    throw error;
  }
}
