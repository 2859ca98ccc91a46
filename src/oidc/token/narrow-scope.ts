import { OAuthError } from "../../http/errors";
import { parseScope } from "../scopes";

/**
 * Scope may only narrow what was granted (RFC 6749 §6, RFC 8693 §2.1): the requested values,
 * all of them granted before, or the granted scope itself when none are requested.
 */
export function narrowScope(granted: string, requested: string | undefined): string {
  if (requested === undefined) return granted;
  const allowed = new Set(granted.split(" "));
  const asked = parseScope(requested);
  if (asked.some((value) => !allowed.has(value))) {
    throw new OAuthError("invalid_scope", "The requested scope exceeds the granted scope.");
  }
  return asked.join(" ");
}
