import { describe, expect, it } from "vitest";
import { assets } from "../../../templates/assets";

describe("static assets", () => {
  it("bundles the stylesheet as text", () => {
    const css = assets["styles.css"];

    expect(css?.contentType).toBe("text/css; charset=utf-8");
    expect(css?.body).toContain(":focus-visible");
    expect(css?.body).toContain("@media (max-width:");
  });

  it("bundles the form post script, which submits the first form", () => {
    const script = assets["form-post.js"];

    expect(script?.contentType).toBe("text/javascript; charset=utf-8");
    expect(script?.body).toContain("DOMContentLoaded");
    expect(script?.body).toContain("document.forms[0]");
  });

  it("bundles SimpleWebAuthn's browser script and the passkey page script", () => {
    expect(assets["webauthn.js"]?.body).toContain("SimpleWebAuthnBrowser");
    expect(assets["webauthn.js"]?.body).toContain("startAuthentication");
    expect(assets["passkeys.js"]?.body).toContain("form[data-passkey]");
  });

  it("serves nothing else", () => {
    expect(Object.keys(assets).sort()).toEqual([
      "3p-cookies-step1.js",
      "3p-cookies-step2.js",
      "form-post.js",
      "frontchannel-logout.js",
      "login-status-iframe.js",
      "passkeys.js",
      "styles.css",
      "webauthn.js",
    ]);
  });
});
