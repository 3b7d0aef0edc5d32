// Dashboard "Auswertungen von Leads": draws each <canvas data-chart="id"> with Chart.js
// from the JSON the server put into <script type="application/json" id="id"> (json_script).
// No inline scripts (strict CSP); the same numbers are in the table under each chart.
(function () {
  "use strict";

  var PALETTE = [
    "#0b5ed7", "#20c997", "#fd7e14", "#6f42c1", "#dc3545",
    "#198754", "#0dcaf0", "#ffc107", "#6c757d", "#d63384"
  ];

  function colour(i) { return PALETTE[i % PALETTE.length]; }

  function datasets(data) {
    return data.series.map(function (series, i) {
      var set = { label: series.label, data: series.data };
      if (data.kind === "pie") {
        set.backgroundColor = data.labels.map(function (_l, j) { return colour(j); });
      } else if (data.kind === "line") {
        set.borderColor = colour(i);
        set.backgroundColor = colour(i);
        set.cubicInterpolationMode = "monotone";
        set.borderWidth = i === 0 ? 3 : 2;
      } else {
        set.backgroundColor = data.series.length > 1 ? colour(i) : colour(0);
      }
      return set;
    });
  }

  function config(data) {
    var type = { stacked: "bar", funnel: "bar", bar: "bar", pie: "doughnut", line: "line" }[data.kind] || "bar";
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: { duration: 300 },
      plugins: { legend: { display: data.kind !== "bar" && data.kind !== "funnel", position: "bottom" } }
    };
    if (data.kind === "stacked") {
      options.scales = { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } };
    } else if (data.kind === "funnel") {
      options.indexAxis = "y";
      options.scales = { x: { beginAtZero: true, ticks: { precision: 0 } } };
    } else if (data.kind === "line") {
      options.scales = { y: { beginAtZero: true, ticks: { precision: 0 } } };
    } else if (data.kind !== "pie") {
      options.scales = { y: { beginAtZero: true } };
    }
    if (data.links && data.links.length) {
      // drill-down: a bar or slice opens the lead list with that filter (boards/drilldown.py)
      var linkAt = function (elements) {
        if (!elements.length) { return null; }
        var row = data.links[elements[0].datasetIndex] || [];
        return row[elements[0].index] || null;
      };
      options.onClick = function (_event, elements) {
        var url = linkAt(elements);
        if (url) { window.location.assign(url); }
      };
      options.onHover = function (event, elements) {
        event.native.target.style.cursor = linkAt(elements) ? "pointer" : "default";
      };
    }
    return { type: type, data: { labels: data.labels, datasets: datasets(data) }, options: options };
  }

  function draw(root) {
    if (!window.Chart) { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.getAttribute("data-rendered") === "1") { return; }
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) { return; }
      var existing = window.Chart.getChart(canvas);
      if (existing) { existing.destroy(); }
      new window.Chart(canvas, config(JSON.parse(source.textContent)));
      canvas.setAttribute("data-rendered", "1");
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
