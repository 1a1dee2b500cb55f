// Small behaviours shared by every page; htmx does the rest.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = !nav.classList.contains("is-open");
    nav.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // Sizes computed on the server (progress bars, a chart's height) come as data attributes and are
  // set here through the style object: the Content-Security-Policy refuses inline style attributes.
  function applySizes(root) {
    if (!root.querySelectorAll) return;
    var nodes = Array.prototype.slice.call(root.querySelectorAll("[data-width], [data-height]"));
    if (root.matches && root.matches("[data-width], [data-height]")) nodes.push(root);
    nodes.forEach(function (node) {
      var width = node.getAttribute("data-width");
      var height = node.getAttribute("data-height");
      if (width !== null) node.style.width = width + "%";
      if (height !== null) node.style.height = height + "rem";
    });
  }
  // Deferred, so the document is parsed: size now, before the page's own scripts draw charts.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { applySizes(document); });
  } else {
    applySizes(document);
  }
  document.addEventListener("htmx:load", function (event) { applySizes(event.target); });
})();
