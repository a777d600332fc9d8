// Draws every chart whose data a page left in a <script type="application/json" id="NAME-data">
// beside a <canvas id="NAME">: {"type": "line"|"bar", "labels": [...], "series": [{"label", "data", "kind"?}]}.
(function () {
  "use strict";
  var colours = ["#0b6e4f", "#b54708", "#3e4c59", "#8e6bbf"];
  function draw(canvas) {
    var source = document.getElementById(canvas.id + "-data");
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, i) {
          return {
            label: series.label, data: series.data, type: series.kind || spec.type,
            borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length],
            borderDash: series.dashed ? [6, 4] : [], pointRadius: spec.type === "line" ? 0 : 3, fill: false
          };
        })
      },
      options: {
        animation: false, responsive: true, interaction: {mode: "index", intersect: false},
        scales: {x: {title: {display: !!spec.x, text: spec.x}}, y: {beginAtZero: true, title: {display: !!spec.y, text: spec.y}}}
      }
    });
    canvas.dataset.drawn = "true";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[id$='-chart']").forEach(draw);
  });
})();
