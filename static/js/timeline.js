// The lead timeline's quick-log form: "Termin bis" follows "Termin von" by the configured
// duration (data-lc-minutes on the end input; the service applies the same default), and
// "Abbrechen" closes the form in place.
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(2, "0"); }

  // "2026-12-03T10:00" (ISO), "03.12.2026 10:00" (German), "12/03/2026 10:00" (English):
  // the date-time inputs show the reader's format (ui/widgets.py), and the end keeps it
  function parse(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(value);
    if (m) return { date: new Date(+m[1], m[2] - 1, +m[3], +m[4], +m[5]), style: "iso" };
    m = /^(\d{1,2})\.(\d{1,2})\.(\d{4}),? (\d{1,2}):(\d{2})/.exec(value);
    if (m) return { date: new Date(+m[3], m[2] - 1, +m[1], +m[4], +m[5]), style: "de" };
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2})/.exec(value);
    if (m) return { date: new Date(+m[3], m[1] - 1, +m[2], +m[4], +m[5]), style: "en" };
    return null;
  }

  function format(date, style) {
    var d = pad(date.getDate()), mo = pad(date.getMonth() + 1), y = date.getFullYear();
    var time = pad(date.getHours()) + ":" + pad(date.getMinutes());
    if (style === "iso") return y + "-" + mo + "-" + d + "T" + time;
    if (style === "en") return mo + "/" + d + "/" + y + " " + time;
    return d + "." + mo + "." + y + " " + time;
  }

  document.addEventListener("change", function (event) {
    var start = event.target;
    if (!start.matches || !start.matches("[data-lc-appointment-start]")) return;
    var form = start.form;
    var end = form && form.querySelector("[data-lc-appointment-end]");
    if (!end) return;
    var parsed = parse(start.value);
    if (!parsed) return;
    var previous = end.dataset.lcAutoValue;
    // only fill an end the user has not typed themselves
    if (end.value && end.value !== previous) return;
    var minutes = parseInt(end.dataset.lcMinutes || "60", 10);
    var value = format(new Date(parsed.date.getTime() + minutes * 60000), parsed.style);
    end.value = value;
    end.dataset.lcAutoValue = value;
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest(".lc-quicklog-cancel");
    if (!cancel) return;
    var slot = document.getElementById("timeline-form");
    if (!slot || !slot.contains(cancel)) return;
    event.preventDefault();
    slot.innerHTML = "";
  });

  // focus the first field of a form that was just opened
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "timeline-form") {
      var first = event.detail.target.querySelector("input:not([type=hidden]), textarea, select");
      if (first) first.focus();
    }
  });
})();
