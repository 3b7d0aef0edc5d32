// Bell and job progress behaviour. Loaded once by notifications/_bell.html (every page).
(function () {
  "use strict";

  // Progress bars carry their percentage in data-percent (no style="" under the CSP).
  function sizeBars(root) {
    if (!root || !root.querySelectorAll) { return; }
    root.querySelectorAll(".js-progress-bar[data-percent]").forEach(function (bar) {
      var pct = parseInt(bar.getAttribute("data-percent"), 10) || 0;
      bar.style.width = Math.max(0, Math.min(100, pct)) + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { sizeBars(document); });
  document.addEventListener("htmx:load", function (event) { sizeBars(event.target.parentNode || event.target); });

  // Do not replace the bell while its dropdown is open (the poll would close it).
  document.addEventListener("htmx:confirm", function (event) {
    var el = event.target;
    if (el && el.id === "bell" && el.querySelector(".dropdown-menu.show")) {
      event.preventDefault();
    }
  });
})();
