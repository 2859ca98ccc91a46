/**
 * Scripts of the pages keycloak-js frames, served from `/resources/` so the pages need no
 * inline script. Plain ES2017 in strings, as the browser runs it; nothing here is secret.
 */

/**
 * The session status iframe (OpenID Connect Session Management 1.0 §4.2, Keycloak's
 * protocol): the relying party posts "client_id session_state"; once `/init` has accepted the
 * client and the sender's origin, the answer compares the session state cookie with it.
 */
export const loginStatusIframeScript = `"use strict";
(function () {
  var accepted = "";

  function sessionState() {
    var pairs = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < pairs.length; i += 1) {
      var eq = pairs[i].indexOf("=");
      if (pairs[i].slice(0, eq) === "KEYCLOAK_SESSION") return pairs[i].slice(eq + 1);
    }
    return "";
  }

  function accept(clientId, origin) {
    var key = clientId + " " + origin;
    if (accepted === key) return Promise.resolve(true);
    var query = new URLSearchParams({ client_id: clientId, origin: origin });
    return fetch(location.pathname + "/init?" + query, { cache: "no-store" }).then(
      function (response) {
        if (response.status !== 204) return false;
        accepted = key;
        return true;
      },
      function () { return false; }
    );
  }

  window.addEventListener("message", function (event) {
    if (typeof event.data !== "string" || !event.source) return;
    var parts = event.data.split(" ");
    if (parts.length !== 2) return;
    var source = event.source;
    var origin = event.origin;
    accept(parts[0], origin).then(function (ok) {
      var answer = !ok ? "error" : sessionState() === parts[1] ? "unchanged" : "changed";
      source.postMessage(answer, origin);
    });
  });
})();
`;

/** Third-party cookie check, step 1: sets a short-lived test cookie, then opens step 2. */
export const thirdPartyCookiesStep1Script = `"use strict";
(function () {
  var attributes = location.protocol === "https:" ? "; SameSite=None; Secure" : "";
  document.cookie = "KEYCLOAK_3P_COOKIE=supported; Max-Age=60" + attributes;
  location.replace("step2.html");
})();
`;

/**
 * Third-party cookie check, step 2: tells the framing page whether the cookie came back. The
 * answer is only "supported" or "unsupported", so any parent may read it.
 */
export const thirdPartyCookiesStep2Script = `"use strict";
(function () {
  var supported = document.cookie.split("; ").indexOf("KEYCLOAK_3P_COOKIE=supported") >= 0;
  document.cookie = "KEYCLOAK_3P_COOKIE=; Max-Age=0";
  window.parent.postMessage(supported ? "supported" : "unsupported", "*");
})();
`;

/**
 * After front-channel logout (Front-Channel Logout 1.0 §4): the window's load event waits for
 * every relying party's iframe, then the page goes on to the post-logout redirect; a relying
 * party that never answers holds it up five seconds at most.
 */
export const frontchannelLogoutScript = `"use strict";
(function () {
  var gone = false;
  function proceed() {
    var link = document.getElementById("continue");
    if (gone || !link) return;
    gone = true;
    location.replace(link.href);
  }
  window.addEventListener("load", proceed);
  setTimeout(proceed, 5000);
})();
`;
