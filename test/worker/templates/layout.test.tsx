import { describe, expect, it } from "vitest";
import { translator } from "../../../src/i18n";
import { Layout } from "../../../templates/layout";

async function render(realmName?: string): Promise<string> {
  const page = (
    <Layout t={translator("en")} locale="en" title="Sign in" realmName={realmName}>
      <p>body</p>
    </Layout>
  );
  return String(await page.toString());
}

describe("Layout", () => {
  it("starts with a doctype and names the page language", async () => {
    const html = await render();

    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<html lang="en">');
  });

  it("fits phone screens and loads the external stylesheet", async () => {
    const html = await render();

    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(html).toContain('<link rel="stylesheet" href="/resources/styles.css"/>');
  });

  it("has no inline script or style, so a strict CSP holds", async () => {
    const html = await render();

    expect(html).not.toContain("<script");
    expect(html).not.toContain("<style");
    expect(html).not.toContain("style=");
  });

  it("shows the product name, or the realm's display name when given", async () => {
    expect(await render()).toContain('<span class="brand-name">Latchkey</span>');
    expect(await render("Acme <Shop>")).toContain(
      '<span class="brand-name">Acme &lt;Shop&gt;</span>',
    );
    expect(await render("Acme")).toContain("<title>Sign in · Acme</title>");
  });
});
