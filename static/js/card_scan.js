// New-lead mask after a business-card scan: mark each field read from the card
// "aus Visitenkarte" (the list comes from a json_script block; strict CSP, no inline JS).
(function () {
  "use strict";
  var data = document.getElementById("card-scan-fields");
  var notice = document.getElementById("card-scan-notice");
  if (!data || !notice) return;
  var text = notice.getAttribute("data-mark") || "aus Visitenkarte";
  var marks = JSON.parse(data.textContent);
  (marks.fields || []).forEach(function (name) {
    var input = document.getElementById("id_" + name);
    if (!input) return;
    input.classList.add("lc-from-card");
    var label = document.querySelector('label[for="id_' + name + '"]');
    if (!label || label.querySelector(".lc-card-mark")) return;
    var badge = document.createElement("span");
    badge.className = "badge text-bg-info ms-1 lc-card-mark";
    badge.textContent = text;
    label.appendChild(badge);
    // the mark goes once the rep changes the value: it is then theirs, not the card's
    input.addEventListener("change", function () { badge.remove(); input.classList.remove("lc-from-card"); }, { once: true });
  });
})();
