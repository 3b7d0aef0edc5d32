// Lead list bulk actions (templates/leads/_bulk_bar.html): counts the ticked rows for
// screen readers (aria-live), ticks a whole page, disables the actions while nothing is
// selected, and sends the list's current querystring with "alle Treffer". Works after
// htmx swaps of #lead-results. No inline scripts (strict CSP); without JS the bar still
// posts whatever is ticked.
(function () {
  "use strict";

  function currentQuery() {
    return window.location.search.replace(/^\?/, "");
  }

  function rows() {
    return Array.prototype.slice.call(
      document.querySelectorAll('input[name="ids"][form="lead-bulk"]')
    );
  }

  function update() {
    var bar = document.getElementById("lead-bulk");
    if (!bar) { return; }
    var all = document.getElementById("lead-bulk-all");
    var page = document.getElementById("lead-bulk-page");
    var count = document.getElementById("lead-bulk-count");
    var ticked = rows().filter(function (box) { return box.checked; }).length;
    var everything = all && all.checked;
    var text;
    if (everything) { text = count.dataset.all; }
    else if (ticked === 0) { text = count.dataset.none; }
    else if (ticked === 1) { text = count.dataset.one; }
    else { text = count.dataset.many.replace("%(n)s", String(ticked)); }
    if (count.textContent !== text) { count.textContent = text; }
    bar.querySelectorAll("[data-bulk-action]").forEach(function (button) {
      button.disabled = !everything && ticked === 0;
    });
    if (page) {
      var boxes = rows();
      page.hidden = boxes.length === 0;
      page.checked = boxes.length > 0 && ticked === boxes.length;
      page.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "lead-bulk-page") {
      rows().forEach(function (box) { box.checked = target.checked; });
      update();
    } else if (target.id === "lead-bulk-all" || (target.name === "ids" && target.form && target.form.id === "lead-bulk")) {
      update();
    }
  });

  // the list's filters change by htmx (hx-push-url): send the querystring of now
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "lead-bulk" && form.getAttribute("data-testid") !== "view-save") { return; }
    var query = form.querySelector('input[name="query"]');
    if (query) { query.value = currentQuery(); }
  }, true);

  document.addEventListener("htmx:afterSettle", update);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
