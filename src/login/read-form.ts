import type { Context } from "hono";
import type { AppEnv } from "../config";
import { OAuthError, PageError } from "../http/errors";
import { formParams, queryParams } from "../http/params";

/** Form bodies and carried parameters; malformed ones become a page error, never a redirect. */
export async function readForm(c: Context<AppEnv>) {
  try {
    return { params: queryParams(c), form: await formParams(c) };
  } catch (error) {
    if (error instanceof OAuthError) throw new PageError("error.invalidRequest");
    throw error;
  }
}
