import type { Context } from "hono";
import type { z } from "zod";
import { AdminError } from "./errors";

/** Reads a JSON body against a schema; unknown fields are dropped, invalid ones answer 400. */
export async function readBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw AdminError.badRequest("The body is not valid JSON.");
  }
  return parseWith(schema, body);
}

/** Validates a value; the first problem, with its path, is the 400's message. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const message = issue?.message ?? "Invalid value";
  // zod's own message starts with "Invalid ..." already; a field's path goes in front of it.
  throw AdminError.badRequest(issue?.path.length ? `${issue.path.join(".")}: ${message}` : message);
}

/** Keycloak's `first` and `max` paging parameters. */
export function paging(c: Context, defaultMax = 100): { first: number; max: number } {
  const first = Number.parseInt(c.req.query("first") ?? "0", 10);
  const max = Number.parseInt(c.req.query("max") ?? String(defaultMax), 10);
  if (!Number.isFinite(first) || first < 0) throw AdminError.badRequest("Invalid first");
  if (!Number.isFinite(max) || max < 0) throw AdminError.badRequest("Invalid max");
  return { first, max: Math.min(max, 1000) };
}
