// The navbar's global search: "/" or Ctrl+K focuses the box; arrow keys move through the
// dropdown's links (htmx fills #search-dropdown); Escape closes it.
(function () {
  "use strict";

  function box() { return document.getElementById("global-search"); }
  function dropdown() { return document.getElementById("search-dropdown"); }
  function links() {
    var d = dropdown();
    return d ? Array.prototype.slice.call(d.querySelectorAll("a.lc-search-hit")) : [];
  }
  function close() {
    var d = dropdown();
    if (d) d.innerHTML = "";
  }
  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  document.addEventListener("keydown", function (event) {
    var b = box();
    if (!b) return;
    var ctrlK = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k";
    if (ctrlK || (event.key === "/" && !typing(event.target) && !event.ctrlKey && !event.metaKey)) {
      event.preventDefault();
      b.focus();
      b.select();
      return;
    }
    var d = dropdown();
    if (!d || !d.contains(event.target) && event.target !== b) return;
    var items = links();
    var index = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      items[Math.min(index + 1, items.length - 1)].focus();
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      if (index <= 0) b.focus(); else items[index - 1].focus();
    } else if (event.key === "Escape") {
      close();
      b.focus();
    }
  });

  // a click outside the search closes the dropdown
  document.addEventListener("click", function (event) {
    var form = document.getElementById("global-search-form");
    if (form && !form.contains(event.target)) close();
  });
})();
