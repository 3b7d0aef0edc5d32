// LeadCRM page behaviour. Loaded on every page; no inline scripts (strict CSP).
(function () {
  "use strict";

  // <select class="js-autosubmit"> submits its form on change.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("js-autosubmit") && el.form) {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    }
  });

  // Bootstrap tooltips for anything with data-bs-toggle="tooltip", also after htmx swaps.
  function initTooltips(root) {
    if (!window.bootstrap) { return; }
    root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      window.bootstrap.Tooltip.getOrCreateInstance(el);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initTooltips(document); });
  document.addEventListener("htmx:afterSwap", function (event) { initTooltips(event.target); });

  // Server-sent messages (django messages) after htmx requests land in #messages.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("messages");
    if (!box) { return; }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var div = document.createElement("div");
    div.className = "alert alert-danger";
    div.setAttribute("role", "alert");
    div.textContent = status === 403
      ? "Keine Berechtigung für diese Aktion."
      : "Die Aktion konnte nicht ausgeführt werden (Fehler " + status + "). Bitte erneut versuchen.";
    box.appendChild(div);
  });
})();
