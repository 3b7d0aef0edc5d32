// Lead mask and list behaviour (no inline scripts: strict CSP).
(function () {
  "use strict";

  // Warn before leaving the mask with unsaved input.
  var form = document.getElementById("lead-form");
  if (form) {
    var dirty = false;
    form.addEventListener("input", function (event) {
      var name = event.target && event.target.name;
      if (name && name !== "company_q" && name !== "person_q") { dirty = true; }
    });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
    // Search-as-you-type: once results arrive, pick the first hit so one click less is needed.
    document.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail.target;
      if (!target || target.tagName !== "SELECT") { return; }
      var current = target.querySelector("option[selected]");
      if (!current) {
        var first = target.querySelector("option[value]:not([value=''])");
        if (first) { target.value = first.value; }
      }
      dirty = true;
    });
  }

  // Open a tab from the URL hash (#pane-history) so links to the sub-area work.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.bootstrap || !location.hash) { return; }
    var button = document.querySelector('[data-bs-target="' + location.hash + '"]');
    if (button) { window.bootstrap.Tab.getOrCreateInstance(button).show(); }
  });
})();
