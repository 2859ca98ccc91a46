// The package's exports map hides its browser bundle, so it is imported by path.
import webauthnBrowser from "../node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js";
import { passkeyScript } from "./passkey-script";
import {
  frontchannelLogoutScript,
  loginStatusIframeScript,
  thirdPartyCookiesStep1Script,
  thirdPartyCookiesStep2Script,
} from "./session-status-scripts";
import styles from "./styles.css";

/** Submits the form post response at once; the page's button covers browsers without it. */
const formPostScript = `document.addEventListener("DOMContentLoaded", function () {
  var form = document.forms[0];
  if (form) form.submit();
});
`;

const javascript = "text/javascript; charset=utf-8";

/** Static files served at `/resources/:name`, bundled into the worker. */
export const assets: Record<string, { body: string; contentType: string }> = {
  "styles.css": { body: styles, contentType: "text/css; charset=utf-8" },
  "form-post.js": { body: formPostScript, contentType: "text/javascript; charset=utf-8" },
  "login-status-iframe.js": { body: loginStatusIframeScript, contentType: javascript },
  "3p-cookies-step1.js": { body: thirdPartyCookiesStep1Script, contentType: javascript },
  "3p-cookies-step2.js": { body: thirdPartyCookiesStep2Script, contentType: javascript },
  "frontchannel-logout.js": { body: frontchannelLogoutScript, contentType: javascript },
  // SimpleWebAuthn's browser bundle, from our own origin: the CSP allows no other script source.
  "webauthn.js": { body: webauthnBrowser, contentType: javascript },
  "passkeys.js": { body: passkeyScript, contentType: javascript },
};
