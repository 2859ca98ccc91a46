import { describe, expect, it } from "vitest";
import { translator } from "../../../src/i18n";
import { FormPostPage } from "../../../templates/form-post-page";

async function render(fields: Record<string, string>, locale: "en" | "de" = "en") {
  const page = (
    <FormPostPage
      t={translator(locale)}
      locale={locale}
      action="https://app.example/callback"
      fields={fields}
    />
  );
  return String(await page.toString());
}

describe("FormPostPage (OAuth 2.0 Form Post Response Mode)", () => {
  it("posts every response parameter to the redirect URI", async () => {
    const html = await render({ code: "abc", state: "xyz", iss: "https://idp/realms/demo" });

    expect(html).toContain('<form method="post" action="https://app.example/callback">');
    expect(html).toContain('<input type="hidden" name="code" value="abc"/>');
    expect(html).toContain('<input type="hidden" name="state" value="xyz"/>');
    expect(html).toContain('<input type="hidden" name="iss" value="https://idp/realms/demo"/>');
  });

  it("escapes parameter values", async () => {
    const html = await render({ state: '"><script>alert(1)</script>' });

    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it("auto-submits only through the external script", async () => {
    const html = await render({ code: "abc", state: "<script>" });
    const scripts = html.match(/<script[^>]*>/g) ?? [];

    expect(scripts).toEqual(['<script src="/resources/form-post.js">']);
    expect(html).toContain('<script src="/resources/form-post.js"></script>');
  });

  it("keeps a visible submit button for browsers without JavaScript", async () => {
    expect(await render({ code: "abc" })).toContain(
      '<button type="submit" class="primary">Continue</button>',
    );
    expect(await render({ code: "abc" }, "de")).toContain(">Weiter</button>");
  });
});
