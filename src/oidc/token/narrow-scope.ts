import { OAuthError } from "../../http/errors";
import { splitScope } from "../scopes";

/**
 * Scope may only narrow what was granted (RFC 6749 §6, RFC 8693 §2.1): the requested values,
 * all of them granted before, or the granted scope itself when none are requested.
 */
export function narrowScope(granted: string, requested: string | undefined): string {
  if (requested === undefined) return granted;
  const allowed = new Set(granted.split(" "));
  // A value unknown to the realm was never granted either: both are invalid_scope.
  const asked = splitScope(requested);
  if (asked.some((value) => !allowed.has(value))) {
    throw new OAuthError("invalid_scope", "The requested scope exceeds the granted scope.");
  }
  return asked.join(" ");
}
