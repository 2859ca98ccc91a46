import type { Client } from "../../db/clients";
import { OAuthError } from "../../http/errors";

/** How long the client's server has to answer, as for its jwks_uri. */
const FETCH_TIMEOUT_MS = 3000;
/** A request object is a few kilobytes; anything much larger is not one. */
const MAX_REQUEST_OBJECT_BYTES = 64 * 1024;

const invalid = (description: string) => new OAuthError("invalid_request_uri", description);

/**
 * The request_uri without its fragment, which OpenID Connect Core §6.2 lets a client add to
 * tell versions apart; registration compares the rest exactly.
 */
function withoutFragment(requestUri: string): string {
  const url = new URL(requestUri);
  url.hash = "";
  return url.href;
}

/**
 * Fetches a request object by reference (OpenID Connect Core §6.2, RFC 9101 §5.2), only from
 * a URI the client registered (Keycloak's `request.uris`, OpenID Connect Registration's
 * `require_request_uri_registration`): https, no redirects followed, a timeout and a size cap.
 * The object is then verified like one sent by value.
 */
export async function fetchRequestObject(client: Client, requestUri: string): Promise<string> {
  if (!URL.canParse(requestUri) || new URL(requestUri).protocol !== "https:") {
    throw invalid("request_uri must be an https URL.");
  }
  const target = withoutFragment(requestUri);
  if (!client.requestUris.includes(target)) {
    throw invalid("request_uri is not registered for this client.");
  }

  let response: Response;
  try {
    response = await fetch(target, {
      redirect: "manual",
      headers: { accept: "application/oauth-authz-req+jwt, application/jwt" },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    throw invalid("The request_uri could not be fetched.");
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw invalid(`The request_uri answered ${response.status}.`);
  }

  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_REQUEST_OBJECT_BYTES) {
    await response.body?.cancel();
    throw invalid("The request object is too large.");
  }
  const body = await response.text();
  if (new TextEncoder().encode(body).byteLength > MAX_REQUEST_OBJECT_BYTES) {
    throw invalid("The request object is too large.");
  }
  return body.trim();
}
