// Charts of the home's cards: each <canvas data-chart="ID"> draws the JSON of the json_script block
// #ID ({type, labels, values, label}); never inline script. Cards loaded later by htmx draw too.
(function () {
  "use strict";
  function draw(root) {
    if (typeof Chart === "undefined" || !root.querySelectorAll) return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (Chart.getChart(canvas)) return;
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var bar = data.type === "bar";
      new Chart(canvas, {
        type: bar ? "bar" : "line",
        data: {
          labels: data.labels,
          datasets: [{ label: data.label, data: data.values, borderColor: "#2f6fed", backgroundColor: "#2f6fed", tension: 0.2 }]
        },
        options: {
          indexAxis: bar ? "y" : "x",
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { display: !bar } },
          scales: bar ? { x: { beginAtZero: true, suggestedMax: 100 } } : { y: { beginAtZero: true } }
        }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { draw(document); });
  else draw(document);
  document.addEventListener("htmx:load", function (event) { draw(event.target); });
})();
