import type { Context } from "hono";
import type { AppEnv } from "../../config";
import { PageError } from "../../http/errors";
import type { Params } from "../../http/params";
import { SealError, seal, unseal } from "../../keys/seal";
import { nowSeconds } from "../../time";
import type { RequestSource } from "./request";

/** The parameter the sign-in and sign-up pages carry a resolved request in. */
export const CARRIED_REQUEST_PARAM = "sealed_request";

/** Long enough to sign in or sign up, short enough that an old link stops working. */
const CARRIED_REQUEST_SECONDS = 30 * 60;

interface Carried {
  params: Params;
  source: Exclude<RequestSource, "plain">;
  exp: number;
}

const aad = (realmId: string, clientId: string) => `authorization-request:${realmId}:${clientId}`;

/**
 * The parameters the sign-in pages carry for a pushed request or a request object: its
 * resolved parameters sealed (AES-256-GCM), since the request_uri is spent and the object's
 * signature must not be traded for parameters anyone could edit in the browser.
 */
export async function carryResolvedRequest(
  c: Context<AppEnv>,
  params: Params,
  source: Carried["source"],
): Promise<Params> {
  const clientId = params.client_id ?? "";
  const carried: Carried = { params, source, exp: nowSeconds() + CARRIED_REQUEST_SECONDS };
  const sealed = await seal(
    c.env.KEY_ENCRYPTION_SECRET,
    JSON.stringify(carried),
    aad(c.var.realm.id, clientId),
  );
  return { client_id: clientId, [CARRIED_REQUEST_PARAM]: sealed };
}

/** Opens what `carryResolvedRequest` sealed; anything altered, foreign or expired is refused. */
export async function openCarriedRequest(c: Context<AppEnv>, params: Params): Promise<Carried> {
  const sealed = params[CARRIED_REQUEST_PARAM] ?? "";
  let carried: Carried;
  try {
    const json = await unseal(
      c.env.KEY_ENCRYPTION_SECRET,
      sealed,
      aad(c.var.realm.id, params.client_id ?? ""),
    );
    carried = JSON.parse(json) as Carried;
  } catch (error) {
    if (error instanceof SealError || error instanceof SyntaxError) {
      throw new PageError("error.invalidRequest");
    }
    throw error;
  }
  if (carried.exp < nowSeconds()) throw new PageError("error.invalidRequestUri");
  return carried;
}
