import { expect } from "vitest";
import { type MessageKey, translator } from "../../../src/i18n";

const english = translator("en");

/** Text as hono/jsx escapes it inside a page. */
function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Asserts that a response is Latchkey's error page with the given message: HTML, the status,
 * and no redirect anywhere. Returns the page's HTML.
 */
export async function expectErrorPage(
  response: Response,
  messageKey: MessageKey,
  status = 400,
): Promise<string> {
  const html = await response.text();
  expect(response.status).toBe(status);
  expect(response.headers.get("location")).toBeNull();
  expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  expect(html).toContain(escapeHtml(english(messageKey)));
  return html;
}

/** Asserts that a response is the sign-in page. Returns the page's HTML. */
export async function expectLoginPage(response: Response): Promise<string> {
  const html = await response.text();
  expect(response.status).toBe(200);
  expect(response.headers.get("location")).toBeNull();
  expect(html).toContain(escapeHtml(english("login.title")));
  expect(html).toContain('name="password"');
  return html;
}
