// Import column mapping: mark the rows of the columns that are imported.
(function () {
  "use strict";
  function refresh() {
    document.querySelectorAll(".js-import-map").forEach(function (select) {
      var row = document.querySelector('#import-preview tr[data-col="' + select.getAttribute("data-col") + '"]');
      if (!row) return;
      var mapped = select.value !== "";
      row.classList.toggle("table-success", mapped);
      row.classList.toggle("text-body-tertiary", !mapped);
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("js-import-map")) refresh();
  });
  document.addEventListener("DOMContentLoaded", refresh);
})();
