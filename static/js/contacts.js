// Contacts screens: confirm before destructive forms (no inline JS, strict CSP).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("js-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm") || "Sind Sie sicher?")) {
        event.preventDefault();
      }
    }
  }, true);
})();
