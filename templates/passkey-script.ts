/**
 * The sign-in and sign-up pages' passkey script, served from `/resources/passkeys.js` after
 * SimpleWebAuthn's browser bundle. Without JavaScript or WebAuthn the passkey parts stay
 * hidden and the password forms work as before.
 */
export const passkeyScript = `"use strict";
(function () {
  var swa = window.SimpleWebAuthnBrowser;
  if (!swa || !swa.browserSupportsWebAuthn()) return;
  var forms = document.querySelectorAll("form[data-passkey]");

  function showError(form, message) {
    var box = document.getElementById(form.getAttribute("data-error"));
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  function fields(form, names) {
    var body = new URLSearchParams();
    body.set("csrf_token", form.elements.csrf_token.value);
    names.forEach(function (name) {
      var source = document.getElementById(name) || form.elements[name];
      if (source) body.set(name, source.value);
    });
    return body;
  }

  function ceremony(form, autofill) {
    var kind = form.getAttribute("data-passkey");
    var names = kind === "registration" ? ["email", "firstName", "lastName"] : [];
    return fetch(form.getAttribute("data-options"), {
      method: "POST",
      body: fields(form, names),
      credentials: "same-origin",
    }).then(function (response) {
      // A refusal that is not JSON (a CSRF or error page) gets the generic message.
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) throw new Error(json.error_description || form.dataset.failed);
        return kind === "registration"
          ? swa.startRegistration({ optionsJSON: json })
          : swa.startAuthentication({ optionsJSON: json, useBrowserAutofill: autofill });
      });
    }).then(function (credential) {
      form.elements.credential.value = JSON.stringify(credential);
      form.submit();
    });
  }

  function run(form, autofill) {
    ceremony(form, autofill).catch(function (error) {
      if (autofill && error && error.name === "AbortError") return;
      var cancelled = error && (error.name === "NotAllowedError" || error.name === "AbortError");
      showError(form, cancelled ? form.dataset.cancelled : error.message || form.dataset.failed);
    });
  }

  Array.prototype.forEach.call(forms, function (form) {
    var section = form.closest("[data-passkey-section]");
    if (section) section.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(form, false);
    });
    if (form.getAttribute("data-autofill") === "on") {
      swa.browserSupportsWebAuthnAutofill().then(function (supported) {
        if (supported) run(form, true);
      });
    }
  });
})();
`;
