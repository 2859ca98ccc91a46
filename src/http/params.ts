import type { Context } from "hono";
import type { z } from "zod";
import { OAuthError } from "./errors";

/** Protocol requests are small; anything bigger is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export type Params = Record<string, string>;

/**
 * Parameters an extension lets repeat: RFC 8693 §2.1's `audience`, RFC 8707's `resource`.
 * Their values are kept space-separated, which loses nothing for client_ids (printable ASCII
 * without spaces) and absolute URIs (no literal spaces).
 */
const repeatable = new Set(["audience", "resource"]);

/**
 * Reads form or query parameters into a flat record. Repeated parameters are refused
 * (RFC 6749 §3.1) and empty values count as absent.
 */
export function collectParams(search: URLSearchParams): Params {
  const params: Params = {};
  const seen = new Set<string>();

  for (const [name, value] of search) {
    if (repeatable.has(name) && value !== "") {
      params[name] = params[name] === undefined ? value : `${params[name]} ${value}`;
      continue;
    }
    if (seen.has(name)) {
      throw new OAuthError("invalid_request", `The ${name} parameter is repeated.`);
    }
    seen.add(name);
    if (value !== "") params[name] = value;
  }
  return params;
}

/** The query string's parameters. */
export function queryParams(c: Context): Params {
  return collectParams(new URL(c.req.url).searchParams);
}

/** An `application/x-www-form-urlencoded` body's parameters, size-limited. */
export async function formParams(c: Context): Promise<Params> {
  const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new OAuthError("invalid_request", "The body must be application/x-www-form-urlencoded.");
  }

  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    throw new OAuthError("invalid_request", "The request body is too large.");
  }

  const body = await c.req.arrayBuffer();
  if (body.byteLength > MAX_BODY_BYTES) {
    throw new OAuthError("invalid_request", "The request body is too large.");
  }
  return collectParams(new URLSearchParams(new TextDecoder().decode(body)));
}

/** Query parameters for GET, form parameters for POST, as the authorization endpoint takes. */
export async function requestParams(c: Context): Promise<Params> {
  return c.req.method === "POST" ? formParams(c) : queryParams(c);
}

/**
 * Checks parameters against a zod schema; the first problem becomes an `invalid_request`
 * naming the parameter, never a stack trace.
 */
export function validateParams<T extends z.ZodType>(schema: T, params: Params): z.infer<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;

  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? "request");
  const problem = issue?.code === "invalid_type" ? "is missing" : "is not valid";
  throw new OAuthError("invalid_request", `The ${name} parameter ${problem}.`);
}
