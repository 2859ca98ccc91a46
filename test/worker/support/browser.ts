import { SELF } from "cloudflare:test";

/**
 * A minimal browser over the worker: keeps cookies, follows nothing by itself, and reads
 * form fields out of pages, so tests walk the same pages a person does.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const response = await SELF.fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) this.remember(line);
    return response;
  }

  private remember(line: string) {
    const [pair = "", ...attributes] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => /max-age=0/i.test(a.trim()));
    if (expired || value === "") this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  get(url: string) {
    return this.fetch(url);
  }

  /** Posts a form the way a browser does: urlencoded, from the page's own origin. */
  post(url: string, fields: Record<string, string>) {
    return this.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** The action and hidden fields of the first form on a page. */
export function readForm(html: string, base: string) {
  const form = /<form[^>]*action="([^"]*)"/.exec(html);
  if (!form?.[1]) throw new Error("no form on the page");
  const action = new URL(decodeEntities(form[1]), base).toString();
  const hidden: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1] ?? "";
    if (name) hidden[name] = decodeEntities(value);
  }
  return { action, hidden };
}

function decodeEntities(value: string): string {
  return value
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
}
