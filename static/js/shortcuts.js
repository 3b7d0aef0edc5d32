// Keyboard shortcuts of every page (the list of them: templates/ui/_shortcuts.html, opened
// with "?"). n: new lead; g then l / b / d: lead list, board, dashboard; j / k: next /
// previous row of the page's list table, Enter opens it. Keys typed into a field, with
// Ctrl/Alt/Meta, or while a dialog is open are left alone. ("/" and Ctrl+K: search.js.)
(function () {
  "use strict";

  var PREFIX_MS = 1500;
  var pending = "";
  var pendingAt = 0;

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function dialog() { return document.getElementById("shortcuts-dialog"); }

  function go(key) {
    var d = dialog();
    var link = d && d.querySelector('a[data-shortcut="' + key + '"]');
    if (link) { window.location.assign(link.href); return true; }
    return false;
  }

  // rows of the main list table: those with a link to open
  function rows() {
    var table = document.querySelector("main table.lc-list, main table.table");
    if (!table) return [];
    return Array.prototype.filter.call(table.querySelectorAll("tbody tr"), function (row) {
      return row.querySelector("a[href]") !== null;
    });
  }

  function moveRow(step) {
    var all = rows();
    if (!all.length) return false;
    var current = document.querySelector("tr.lc-row-current");
    var index = all.indexOf(current);
    var next = all[Math.max(0, Math.min(all.length - 1, index < 0 ? 0 : index + step))];
    if (current) { current.classList.remove("lc-row-current"); current.removeAttribute("aria-current"); }
    next.classList.add("lc-row-current");
    next.setAttribute("aria-current", "true");
    var link = next.querySelector("a[href]");
    link.focus({ preventScroll: true });
    next.scrollIntoView({ block: "nearest" });
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (typing(event.target) || document.querySelector(".modal.show")) return;
    var key = event.key;
    var handled = false;
    if (pending === "g" && Date.now() - pendingAt < PREFIX_MS) {
      pending = "";
      handled = go("g" + key.toLowerCase());
    } else if (key === "g") {
      pending = "g";
      pendingAt = Date.now();
      handled = true;
    } else if (key === "n") {
      handled = go("n");
    } else if (key === "j") {
      handled = moveRow(1);
    } else if (key === "k") {
      handled = moveRow(-1);
    } else if (key === "?") {
      var d = dialog();
      if (d && window.bootstrap) { window.bootstrap.Modal.getOrCreateInstance(d).show(); handled = true; }
    }
    if (handled) event.preventDefault();
  });
})();
