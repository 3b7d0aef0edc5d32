// Kanban boards: drag and drop with Sortable.js, moves posted with htmx.
// No inline scripts (strict CSP). Without JavaScript the status menu on each card is a
// plain form, so every move works without dragging.
(function () {
  "use strict";

  // htmx "settles" attributes of swapped elements with the same id by copying them with
  // setAttribute; for "style" (left on cards by Sortable's animation) the CSP refuses that.
  if (window.htmx) {
    window.htmx.config.attributesToSettle = ["class", "width", "height"];
  }

  // Status colours come from the admin; CSSOM properties are allowed by the CSP.
  function applyColours(root) {
    root.querySelectorAll("[data-colour]").forEach(function (el) {
      el.style.setProperty("--status-colour", el.getAttribute("data-colour"));
    });
  }

  function board() {
    return document.getElementById("board");
  }

  function adjustCount(kind, statusId, delta) {
    var badge = document.getElementById("count-" + kind + "-" + statusId);
    if (!badge || badge.hasAttribute("data-capped")) { return; }  // "1000+" stays
    var value = parseInt(badge.textContent, 10) || 0;
    badge.textContent = String(Math.max(0, value + delta));
  }

  function postMove(card, toStatus) {
    var root = board();
    card.removeAttribute("style");
    htmx.ajax("POST", card.getAttribute("data-move-url"), {
      source: card,
      target: card,
      swap: "outerHTML",
      values: {
        status: toStatus,
        version: card.getAttribute("data-version"),
        from_status: card.getAttribute("data-status-id"),
        next: root ? root.getAttribute("data-board-url") : ""
      }
    });
  }

  function initSortable(root) {
    if (!window.Sortable) { return; }
    root.querySelectorAll(".board-cards").forEach(function (list) {
      if (list.getAttribute("data-sortable") === "1") { return; }
      list.setAttribute("data-sortable", "1");
      window.Sortable.create(list, {
        group: "board-" + (list.getAttribute("data-board-kind") || "lead"),
        draggable: ".board-card",
        // A locked card (a lead the user may not move; the server refuses that move too)
        // does not start a drag; nor do the controls of the status menu.
        filter: ".board-card-locked, select, button, summary, input, label",
        preventOnFilter: false,
        animation: 150,
        ghostClass: "board-card-ghost",
        chosenClass: "board-card-chosen",
        onEnd: function (evt) {
          if (evt.from === evt.to) { return; }
          postMove(evt.item, evt.to.getAttribute("data-status-id"));
        }
      });
    });
  }

  // A card coming back from a move (class js-place) carries the status it really has now
  // and the one it had before: fix the counts and put it into the right column (back
  // where it was if the move was refused, e.g. a stale version).
  function placeCards() {
    var root = board();
    if (!root) { return; }
    var kind = root.getAttribute("data-board-kind");
    root.querySelectorAll(".board-card.js-place").forEach(function (card) {
      card.classList.remove("js-place");
      var status = card.getAttribute("data-status-id");
      var previous = card.getAttribute("data-prev-status");
      if (previous && previous !== status) {
        adjustCount(kind, previous, -1);
        adjustCount(kind, status, 1);
      }
      var column = card.closest(".board-column");
      var target = root.querySelector(".board-column[data-status-id='" + status + "']");
      if (!target) {
        card.remove();  // a status without a column (inactive): nothing to show
        return;
      }
      if (column !== target) {
        target.querySelector(".board-cards").prepend(card);
      }
      if (target.classList.contains("board-column-collapsed")) {
        card.remove();
        return;
      }
      if (document.activeElement === document.body || !document.activeElement) {
        card.focus();
      }
    });
  }

  function init(root) {
    applyColours(document);
    initSortable(document);
    placeCards();
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target || document); });
  // The card that was swapped out may have been the target: also look at the whole board.
  document.addEventListener("htmx:oobAfterSwap", function () { placeCards(); });
})();
