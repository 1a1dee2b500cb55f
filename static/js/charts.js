// Team dashboard charts: data comes from the json_script block, never from inline script.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("team-chart-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var bars = document.getElementById("team-chart-reps");
    if (bars) {
      new Chart(bars, {
        type: "bar",
        data: { labels: data.reps.labels, datasets: [{ label: data.label_attainment, data: data.reps.attainment, backgroundColor: "#2f6fed" }] },
        options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, suggestedMax: 100 } } }
      });
    }
    var trend = document.getElementById("team-chart-trend");
    if (trend) {
      new Chart(trend, {
        type: "line",
        data: { labels: data.trend.labels, datasets: [{ label: data.label_revenue, data: data.trend.revenue, borderColor: "#2f6fed", tension: 0.2 }] },
        options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
