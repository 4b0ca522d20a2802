// 学习分析: draws each figure from the JSON the page embeds beside its data table.
// No mode bar (its tooltips are English only) and no Plotly logo; figures reflow with the window.
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") {
      return;
    }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source) {
        return;
      }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(element, figure.data, figure.layout, {
        responsive: true,
        displayModeBar: false,
        displaylogo: false,
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
