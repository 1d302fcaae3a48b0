/* Exactly once (issue 10 §2): after the first submit of a POST form its submit buttons are disabled and a second
   submit is dropped, so a double click sends one request. The form's one-time token (services/once.py) covers
   what this cannot: a resent request, a second tab, a browser without scripts. The buttons are disabled after
   the event, so the clicked button's own name and value (e.g. decision=approve) are still sent. Leaving the page
   through the back button restores the buttons (pageshow). */
(function () {
  "use strict";
  function buttons(form) {
    return form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") { return; }
    if (form.getAttribute("data-sent") === "1") { event.preventDefault(); return; }
    if (event.defaultPrevented) { return; }
    form.setAttribute("data-sent", "1");
    window.setTimeout(function () {
      buttons(form).forEach(function (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
      buttons(form).forEach(function (button) { button.disabled = false; button.removeAttribute("aria-busy"); });
    });
  });
})();
