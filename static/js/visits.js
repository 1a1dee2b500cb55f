// Visit pages: the customer picker of the plan form, and check-in/out with the browser's position.
(function () {
  "use strict";

  // A picked customer fills the hidden field; typing again clears it.
  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-pick-customer]");
    if (!option) return;
    event.preventDefault();
    var form = option.closest("form");
    form.querySelector("input[name=customer]").value = option.getAttribute("data-pick-customer");
    var picked = form.querySelector("[data-picked]");
    picked.querySelector("[data-picked-name]").textContent = option.getAttribute("data-name");
    picked.hidden = false;
    form.querySelector("[data-customer-options]").innerHTML = "";
    form.querySelector("[data-customer-search]").value = "";
  });
  document.addEventListener("click", function (event) {
    var clear = event.target.closest("[data-clear-customer]");
    if (!clear) return;
    var form = clear.closest("form");
    form.querySelector("input[name=customer]").value = "";
    form.querySelector("[data-picked]").hidden = true;
  });

  // Adding a visit swaps the plan above the form in place (htmx): the form stays where it was on the
  // screen, so the rep can add the next one without looking for it (the new visit shows above).
  var formTop = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = document.getElementById("add-item");
    formTop = form && event.detail.requestConfig && event.detail.requestConfig.elt === form
      ? form.getBoundingClientRect().top
      : null;
  });
  function keepForm() {
    var form = document.getElementById("add-item");
    if (formTop !== null && form) window.scrollBy(0, form.getBoundingClientRect().top - formTop);
  }
  document.addEventListener("htmx:afterSwap", keepForm);
  document.addEventListener("htmx:afterSettle", function () {
    keepForm();
    formTop = null;
  });

  // Check-in / check-out: ask for the position, but never block on it — a rep who refuses location,
  // or a phone without a fix, still checks in (the server records the time either way).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-geo") || form.dataset.geoDone) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var sent = false;
    function send() {
      if (sent) return;
      sent = true;
      form.dataset.geoDone = "1";
      form.submit();
    }
    if (!navigator.geolocation) return send();
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        form.querySelector("input[name=lat]").value = pos.coords.latitude;
        form.querySelector("input[name=lng]").value = pos.coords.longitude;
        var acc = form.querySelector("input[name=accuracy_m]");
        if (acc) acc.value = pos.coords.accuracy;
        send();
      },
      send,
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
    setTimeout(send, 12000);
  });

  // The phone's camera: a chosen photo is uploaded at once.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches("[data-photo-input]") && input.files.length) input.form.submit();
  });
})();
