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

  // Lead list: leave empty filter fields out of the request, so the pushed URL stays short.
  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail.elt;
    if (!source || !source.closest || !source.closest("#lead-filter")) { return; }
    if (event.detail.verb !== "get") { return; }
    var params = event.detail.parameters;
    var empty = [];
    var keys = typeof params.keys === "function" ? Array.from(params.keys()) : Object.keys(params);
    keys.forEach(function (key) {
      var value = typeof params.getAll === "function" ? params.getAll(key) : [params[key]];
      if (value.every(function (v) { return v === "" || v === null || v === undefined; })) {
        empty.push(key);
      }
    });
    empty.forEach(function (key) {
      if (typeof params.delete === "function") { params.delete(key); } else { delete params[key]; }
    });
  });

  // Open a tab from the URL hash (#pane-history) so links to the sub-area work.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.bootstrap || !location.hash) { return; }
    var button = document.querySelector('[data-bs-target="' + location.hash + '"]');
    if (button) { window.bootstrap.Tab.getOrCreateInstance(button).show(); }
  });
})();
