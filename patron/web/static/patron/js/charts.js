// Draws every chart whose data a page left in a <script type="application/json" id="NAME-data">
// beside a <canvas id="NAME">: {"type": "line"|"bar", "labels": [...], "series": [{"label", "data", "kind"?}]}.
// A canvas does not take the page's fonts or language by itself: the charts use the page's font
// stack (Noto Sans and Noto Sans Thai, served by Patron) once its faces for the charts' words are
// loaded, and write numbers as the page's language does (1,234.5 / 1.234,5).
(function () {
  "use strict";
  var colours = ["#0b6e4f", "#b54708", "#3e4c59", "#8e6bbf"];

  function words(spec) {
    var texts = [spec.x || "", spec.y || ""].concat(spec.labels.map(String));
    spec.series.forEach(function (series) { texts.push(series.label || ""); });
    return texts.join(" ");
  }

  function fontsFor(text, family) {
    // Chart.js writes in normal weight, tooltip titles in bold.
    if (!document.fonts || !document.fonts.load) { return Promise.resolve(); }
    return Promise.all(["400", "700"].map(function (weight) {
      return document.fonts.load(weight + " 12px " + family, text);
    })).catch(function () { return null; });
  }

  function draw(canvas, spec) {
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
    if (typeof Chart === "undefined") { return; }
    var family = getComputedStyle(document.documentElement).fontFamily;
    Chart.defaults.font.family = family;
    Chart.defaults.locale = document.documentElement.lang || undefined;
    document.querySelectorAll("canvas[id$='-chart']").forEach(function (canvas) {
      var source = document.getElementById(canvas.id + "-data");
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      fontsFor(words(spec), family).then(function () { draw(canvas, spec); });
    });
  });
})();
