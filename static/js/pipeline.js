// The pipeline board: drag a card onto another stage's column (desktop). The drop posts the card's
// own move form with the new stage, so a drag and a tap on "Move" are one request (htmx swaps the
// board, with the refusal when the stage requires a field the card lacks).
(function () {
  "use strict";
  var dragged = null;
  // A refused move answers 400 with the board and the reason: show it like any other answer.
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr.status === 400 && e.detail.target && e.detail.target.id === "board") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  function columnOf(el) { return el.closest ? el.closest("[data-stage]") : null; }
  document.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest(".board-card[draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.id);
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    document.querySelectorAll(".board__column.is-over").forEach(function (c) { c.classList.remove("is-over"); });
  });
  document.addEventListener("dragover", function (e) {
    var column = dragged && columnOf(e.target);
    if (!column) return;
    e.preventDefault();
    column.classList.add("is-over");
  });
  document.addEventListener("dragleave", function (e) {
    var column = columnOf(e.target);
    if (column && !column.contains(e.relatedTarget)) column.classList.remove("is-over");
  });
  document.addEventListener("drop", function (e) {
    var column = dragged && columnOf(e.target);
    if (!column) return;
    e.preventDefault();
    var card = dragged;
    column.classList.remove("is-over");
    if (column.getAttribute("data-stage") === card.getAttribute("data-stage")) return;
    var form = card.querySelector("form.board-card__move");
    form.querySelector("select[name=stage]").value = column.getAttribute("data-stage");
    if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.submit(); }
  });
})();
