import type { Context } from "hono";
import type { AppEnv } from "../../config";
import { type Client, findClient } from "../../db/clients";
import { consumePushedRequest, REQUEST_URI_PREFIX } from "../../db/pushed-requests";
import { OAuthError, PageError } from "../../http/errors";
import type { Params } from "../../http/params";
import { nowSeconds } from "../../time";
import { CARRIED_REQUEST_PARAM, carryResolvedRequest, openCarriedRequest } from "./carried-request";
import {
  type AuthorizationRequest,
  parseAuthorizationRequest,
  type RequestSource,
} from "./request";
import { requestObjectParams } from "./request-object";
import { fetchRequestObject } from "./request-uri";

interface Resolved {
  /** The authorization request's parameters, wherever they came from. */
  params: Params;
  source: RequestSource;
}

/** The client a request_uri or request object is sent for, named by client_id outside it. */
async function requestingClient(c: Context<AppEnv>, params: Params): Promise<Client> {
  const { db, realm } = c.var;
  const client = params.client_id ? await findClient(db, realm.id, params.client_id) : undefined;
  if (!client?.enabled) throw new PageError("error.unknownClient");
  return client;
}

/**
 * RFC 9126 §4: a request_uri from the PAR endpoint stands for the parameters pushed with it,
 * and only those. It is spent here, once, and only by the client that pushed it.
 */
async function pushedParams(c: Context<AppEnv>, params: Params): Promise<Params> {
  const client = await requestingClient(c, params);

  const requestUri = params.request_uri ?? "";
  const pushed = await consumePushedRequest(c.var.db, requestUri, client.id, nowSeconds());
  // Unknown, expired, used or another client's: invalid_request_uri, on our own page, since
  // the redirect_uri is inside the request we cannot read.
  if (!pushed) throw new PageError("error.invalidRequestUri");
  return pushed;
}

/**
 * OpenID Connect Core §6.1: the parameters inside a request object, signed by the client.
 * Its errors show on our own page: its redirect_uri is not trusted before it is verified.
 */
async function objectParams(c: Context<AppEnv>, params: Params): Promise<Params> {
  const client = await requestingClient(c, params);

  try {
    return await requestObjectParams(c, client, params);
  } catch (error) {
    if (error instanceof OAuthError) throw new PageError("error.invalidRequestObject");
    throw error;
  }
}

/**
 * OpenID Connect Core §6.2: a request object by reference, fetched from a URI the client
 * registered. As with one by value, its errors show on our own page.
 */
async function referencedParams(c: Context<AppEnv>, params: Params): Promise<Params> {
  const client = await requestingClient(c, params);

  let request: string;
  try {
    request = await fetchRequestObject(client, params.request_uri ?? "");
  } catch (error) {
    if (error instanceof OAuthError) throw new PageError("error.unreachableRequestUri");
    throw error;
  }
  const { request_uri: _, ...outer } = params;
  return objectParams(c, { ...outer, request });
}

/** Where the parameters of an authorization request are: pushed, carried, or in the URL. */
async function resolveParams(c: Context<AppEnv>, params: Params): Promise<Resolved> {
  if (params[CARRIED_REQUEST_PARAM] !== undefined) return openCarriedRequest(c, params);

  // RFC 9101 §5: a request object comes by value or by reference, not both.
  if (params.request !== undefined && params.request_uri !== undefined) {
    throw new PageError("error.invalidRequest");
  }
  if (params.request_uri?.startsWith(REQUEST_URI_PREFIX)) {
    return { params: await pushedParams(c, params), source: "pushed" };
  }
  if (params.request !== undefined) {
    return { params: await objectParams(c, params), source: "request_object" };
  }
  if (params.request_uri !== undefined) {
    return { params: await referencedParams(c, params), source: "request_object" };
  }
  return { params, source: "plain" };
}

/**
 * Resolves and validates an authorization request at the authorization endpoint or a sign-in
 * step. A pushed request or request object is carried on as sealed parameters, so the pages
 * after it see the same request and cannot spend or alter it.
 */
export async function readAuthorizationRequest(
  c: Context<AppEnv>,
  params: Params,
): Promise<AuthorizationRequest> {
  const resolved = await resolveParams(c, params);
  const request = await parseAuthorizationRequest(
    c.var.db,
    c.var.realm,
    resolved.params,
    resolved.source,
  );

  if (resolved.source === "plain") return request;
  // Only the sealed request goes on; anything added next to it would be ignored anyway.
  const sealed = params[CARRIED_REQUEST_PARAM];
  const carried =
    sealed !== undefined
      ? { client_id: params.client_id ?? "", [CARRIED_REQUEST_PARAM]: sealed }
      : await carryResolvedRequest(c, resolved.params, resolved.source);
  return { ...request, params: carried };
}
