// /admin/reports/: the coin economy chart (uPlot, vendored in static/vendor/).
(() => {
  const source = document.getElementById("economy-chart-data");
  const target = document.getElementById("economy-chart");
  if (!source || !target || typeof uPlot === "undefined") return;
  const chart = JSON.parse(source.textContent);
  if (!chart.labels.length) return;
  const xs = chart.labels.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
  new uPlot(
    {
      width: Math.min(target.clientWidth || 720, 960),
      height: 260,
      series: [
        {},
        { label: chart.series[0], stroke: "#2f9e5b", width: 2 },
        { label: chart.series[1], stroke: "#c0392b", width: 2 },
      ],
      axes: [{}, {}],
    },
    [xs, chart.issued, chart.removed],
    target,
  );
})();
