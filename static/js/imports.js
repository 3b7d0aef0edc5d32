// Import column mapping: highlight the preview column of every mapped field.
(function () {
  "use strict";
  function refresh() {
    document.querySelectorAll(".js-import-map").forEach(function (select) {
      var col = select.getAttribute("data-col");
      var mapped = select.value !== "";
      document.querySelectorAll('#import-preview td[data-col="' + col + '"]').forEach(function (cell) {
        cell.classList.toggle("table-success", mapped);
        cell.classList.toggle("text-body-tertiary", !mapped);
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("js-import-map")) refresh();
  });
  document.addEventListener("DOMContentLoaded", refresh);
})();
