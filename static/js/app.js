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

  // ---- the top bar's navigation groups (templates/includes/nav.html) ----------------------------
  // Wide: each group is a button with a dropdown panel; one panel open at a time; Escape, a click
  // outside, or focus leaving the group closes it. Narrow (the menu button shows), and whenever the
  // groups would not fit on one line (.topbar--compact): the groups are stacked headings with their
  // entries, all shown, and the buttons do nothing.
  var topbar = document.querySelector(".topbar");

  function stacked() {
    var toggle = document.querySelector("[data-nav-toggle]");
    return !!toggle && window.getComputedStyle(toggle).display !== "none";
  }

  function groupButton(group) { return group.querySelector("[data-nav-group-button]"); }

  function closeGroup(group, refocus) {
    if (!group.classList.contains("is-open")) return;
    group.classList.remove("is-open");
    groupButton(group).setAttribute("aria-expanded", "false");
    if (refocus) groupButton(group).focus();
  }

  function closeAll(except) {
    document.querySelectorAll("[data-nav-group].is-open").forEach(function (group) {
      if (group !== except) closeGroup(group, false);
    });
  }

  function openGroup(group) {
    closeAll(group);
    group.classList.add("is-open");
    groupButton(group).setAttribute("aria-expanded", "true");
    // A panel that would run past the right edge opens leftwards from its button instead.
    var panel = group.querySelector(".nav-panel");
    panel.classList.remove("nav-panel--end");
    if (panel.getBoundingClientRect().right > document.documentElement.clientWidth - 8) {
      panel.classList.add("nav-panel--end");
    }
  }

  function links(group) { return Array.prototype.slice.call(group.querySelectorAll(".nav-link")); }

  // The bar's layout decides what the buttons mean: panels (wide) or headings (stacked). In the wide
  // layout the user menu is the last thing on the line: pushed past the bar's edge, nothing fits,
  // and the bar folds behind the menu button (.topbar--compact). An open panel does not count.
  function fitNav() {
    if (!topbar || !topbar.querySelector(".nav-groups")) return;
    topbar.classList.remove("topbar--compact");
    if (!stacked()) {
      var inner = topbar.querySelector(".topbar__inner");
      var end = inner.getBoundingClientRect().right - parseFloat(window.getComputedStyle(inner).paddingRight);
      var user = topbar.querySelector(".site-nav__user");
      if (user && user.getBoundingClientRect().right > end + 1) topbar.classList.add("topbar--compact");
    }
    var folded = stacked();
    topbar.querySelectorAll("[data-nav-group]").forEach(function (group) {
      if (folded) group.classList.remove("is-open");
      groupButton(group).setAttribute("aria-expanded", folded || group.classList.contains("is-open") ? "true" : "false");
    });
  }
  var fitPending = false;
  function refit() {
    if (fitPending) return;
    fitPending = true;
    window.requestAnimationFrame(function () { fitPending = false; fitNav(); });
  }
  // Refit when the width changes (a phone's toolbar folding away changes only the height), and when
  // the badges arrive (they widen their groups).
  var fitWidth = window.innerWidth;
  window.addEventListener("resize", function () {
    if (window.innerWidth === fitWidth) return;
    fitWidth = window.innerWidth;
    refit();
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.target.classList && event.target.classList.contains("nav-count")) refit();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fitNav);
  } else {
    fitNav();
  }
  // Web fonts or a late style can change the labels' widths once everything has loaded.
  window.addEventListener("load", fitNav);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-nav-group-button]");
    if (button && !stacked()) {
      var group = button.closest("[data-nav-group]");
      if (group.classList.contains("is-open")) closeGroup(group, false);
      else openGroup(group);
      return;
    }
    if (!event.target.closest("[data-nav-group]")) closeAll(null);
  });

  document.addEventListener("keydown", function (event) {
    var group = event.target.closest && event.target.closest("[data-nav-group]");
    if (!group || stacked()) return;
    var items = links(group);
    var at = items.indexOf(event.target);
    if (event.key === "Escape" && group.classList.contains("is-open")) {
      event.preventDefault();
      closeGroup(group, true);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!group.classList.contains("is-open")) openGroup(group);
      var next = at === -1
        ? (event.key === "ArrowDown" ? 0 : items.length - 1)
        : (at + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      if (items[next]) items[next].focus();
    } else if ((event.key === "Home" || event.key === "End") && at !== -1) {
      event.preventDefault();
      items[event.key === "Home" ? 0 : items.length - 1].focus();
    }
  });

  // Tabbing past a group's last entry (or away from its button) closes its panel.
  document.addEventListener("focusout", function (event) {
    var group = event.target.closest && event.target.closest("[data-nav-group]");
    if (!group || !group.classList.contains("is-open")) return;
    if (event.relatedTarget && group.contains(event.relatedTarget)) return;
    if (!event.relatedTarget) return; // focus left the window, or a click on nothing focusable
    closeGroup(group, false);
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
