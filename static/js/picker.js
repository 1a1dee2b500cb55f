// The product picker (templates/sales/_product_picker.html): a text box that asks the server for
// matching products as the user types (htmx), a list to choose from by pointer or keyboard, and a
// hidden field that posts the chosen product's id, as a <select> would. Event delegation, so rows
// added later with htmx need nothing more.
(function () {
  "use strict";

  function partsOf(node) {
    var picker = node && node.closest && node.closest("[data-picker]");
    if (!picker) return null;
    return {
      picker: picker,
      input: picker.querySelector("[data-picker-input]"),
      value: picker.querySelector("[data-picker-value]"),
      list: picker.querySelector("[data-picker-options]")
    };
  }

  function options(p) { return Array.prototype.slice.call(p.list.querySelectorAll("[role=option]")); }

  function close(p) {
    p.list.innerHTML = "";
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  function activate(p, option) {
    options(p).forEach(function (o) {
      o.classList.toggle("is-active", o === option);
      o.setAttribute("aria-selected", o === option ? "true" : "false");
    });
    p.input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function choose(p, option) {
    p.value.value = option.getAttribute("data-pick-product");
    p.input.value = option.getAttribute("data-label");
    p.picker.classList.add("picker--picked");
    close(p);
    p.value.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // The server's options: each gets an id (for aria-activedescendant); shown while the box has focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    var p = partsOf(event.target);
    if (!p || event.target !== p.list) return;
    options(p).forEach(function (o, n) { o.id = p.list.id + "-" + n; });
    if (document.activeElement !== p.input || !p.list.children.length) close(p);
    else p.input.setAttribute("aria-expanded", "true");
  });

  // Focus on a chosen product lists the usual products, not that one product again.
  document.addEventListener("htmx:configRequest", function (event) {
    var p = partsOf(event.detail.elt);
    if (p && event.detail.elt === p.input && p.picker.classList.contains("picker--picked")) {
      event.detail.parameters.q = "";
    }
  });

  // Typing again forgets the product chosen: what is posted is always a product from the list.
  document.addEventListener("input", function (event) {
    var p = partsOf(event.target);
    if (!p || event.target !== p.input) return;
    p.value.value = "";
    p.picker.classList.remove("picker--picked");
  });

  document.addEventListener("keydown", function (event) {
    var p = partsOf(event.target);
    if (!p || event.target !== p.input) return;
    var items = options(p);
    var at = items.indexOf(p.list.querySelector(".is-active"));
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && items.length) {
      event.preventDefault();
      var down = event.key === "ArrowDown";
      activate(p, items[at === -1 ? (down ? 0 : items.length - 1) : (at + (down ? 1 : items.length - 1)) % items.length]);
    } else if (event.key === "Enter") {
      event.preventDefault(); // Enter in the box chooses; it never submits the form half-filled
      if (items.length) choose(p, items[at === -1 ? 0 : at]);
    } else if (event.key === "Escape" && items.length) {
      event.preventDefault();
      close(p);
    }
  });

  // A press on the list keeps the focus in the box (so the list does not close under the finger).
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[data-picker-options]")) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-pick-product]");
    var p = partsOf(option);
    if (p) choose(p, option);
  });

  document.addEventListener("focusout", function (event) {
    var p = partsOf(event.target);
    if (p && event.target === p.input) close(p);
  });
})();
