import { and, eq, gt } from "drizzle-orm";
import { sha256 } from "../crypto/digest";
import { randomToken } from "../crypto/random";
import type { Params } from "../http/params";
import type { Database } from "./client";
import { pushedAuthorizationRequests } from "./schema";

/** RFC 9126 §2.2: the request_uri is a URN with a random part nobody can guess. */
export const REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:";

/** Short, as Keycloak's default: the client redirects the browser right after pushing. */
export const PUSHED_REQUEST_LIFETIME_SECONDS = 60;

/** Stores a pushed authorization request and returns its request_uri. */
export async function storePushedRequest(
  db: Database,
  clientRowId: string,
  params: Params,
  now: number,
): Promise<string> {
  const requestUri = `${REQUEST_URI_PREFIX}${randomToken()}`;
  await db.insert(pushedAuthorizationRequests).values({
    requestUriHash: await sha256(requestUri),
    clientId: clientRowId,
    params,
    expiresAt: now + PUSHED_REQUEST_LIFETIME_SECONDS,
  });
  return requestUri;
}

/**
 * Uses a request_uri up in one atomic DELETE ... RETURNING (RFC 9126 §4: one-time use): the
 * parameters when it is unexpired and was pushed by this client, otherwise undefined. Another
 * client's request_uri is left alone, so a guess cannot spend it.
 */
export async function consumePushedRequest(
  db: Database,
  requestUri: string,
  clientRowId: string,
  now: number,
): Promise<Params | undefined> {
  const [row] = await db
    .delete(pushedAuthorizationRequests)
    .where(
      and(
        eq(pushedAuthorizationRequests.requestUriHash, await sha256(requestUri)),
        eq(pushedAuthorizationRequests.clientId, clientRowId),
        gt(pushedAuthorizationRequests.expiresAt, now),
      ),
    )
    .returning({ params: pushedAuthorizationRequests.params });
  return row?.params;
}
