// Verlustgrund fields (issue #17): shown only while a lost status (Disqualifiziert,
// Geschlossen) is chosen in the status select they belong to. Without JavaScript they stay
// visible; the server checks the reason either way. No inline scripts (strict CSP).
(function () {
  "use strict";

  function sync(block, select) {
    var lost = (block.getAttribute("data-lost-statuses") || "").split(",");
    block.hidden = lost.indexOf(select.value) === -1;
  }

  function init(root) {
    (root || document).querySelectorAll("[data-lost-fields]").forEach(function (block) {
      if (block.getAttribute("data-lost-bound") === "1") { return; }
      var select = document.getElementById(block.getAttribute("data-status-input"));
      if (!select) { return; }
      block.setAttribute("data-lost-bound", "1");
      select.addEventListener("change", function () {
        sync(block, select);
        if (!block.hidden) {
          var reason = block.querySelector("select");
          if (reason && !reason.value) { reason.focus(); }
        }
      });
      sync(block, select);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
