import type { Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import type { AppEnv } from "../config";

type Rendered = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Sends a server-rendered page; pages carry per-person data, so they are never cached. */
export function renderPage(
  c: Context<AppEnv>,
  page: Rendered,
  status = 200,
): Response | Promise<Response> {
  c.header("Cache-Control", "no-store");
  return c.html(page, status as 200);
}
