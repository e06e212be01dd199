/* Dashboard charts: drawn from the JSON the page carries (json_script #dashboard-charts).
   No inline script or style (CSP); the tables beside each chart hold the same figures. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var specs = JSON.parse(source.textContent);
  var palette = ["#198754", "#0d6efd", "#adb5bd", "#fd7e14", "#b71c1c", "#6f42c1", "#20c997", "#ffc107"];
  var charts = [];

  function base(spec) {
    // Rich-text tooltips are drawn on the canvas: no HTML with style attributes, which CSP drops.
    return {
      color: palette,
      animation: false,
      tooltip: { trigger: spec.type === "pie" ? "item" : "axis", renderMode: "richText" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true }
    };
  }

  function bar(spec) {
    // Many long labels read better down the side: horizontal bars, first item on top.
    var option = base(spec);
    var horizontal = spec.categories.length > 5;
    var categories = { type: "category", data: spec.categories, inverse: horizontal, axisLabel: { interval: 0, width: 150, overflow: "truncate" } };
    // Each bar carries its value: the value axis needs few ticks, and none drawn over another.
    var values = { type: "value", minInterval: 1, splitNumber: 3, axisLabel: { hideOverlap: true } };
    option.xAxis = horizontal ? values : categories;
    option.yAxis = horizontal ? categories : values;
    // Room for the labels past the bars' ends, which containLabel does not count.
    option.grid.top = horizontal ? 8 : 24;
    option.grid.right = horizontal ? 56 : 16;
    option.series = [{ type: "bar", name: spec.series[0].name, data: spec.series[0].data, label: { show: true, position: horizontal ? "right" : "top" } }];
    return option;
  }

  function pie(spec) {
    var option = base(spec);
    // Every slice's name in view: a legend that wraps below the ring, not a paged one.
    option.legend = { type: "plain", bottom: 0 };
    option.series = [{
      type: "pie", radius: ["30%", "55%"], center: ["50%", "42%"],
      data: spec.categories.map(function (name, i) { return { name: name, value: spec.series[0].data[i] }; }),
      label: { formatter: "{c}" }
    }];
    return option;
  }

  function stacked(spec) {
    var option = base(spec);
    var many = spec.categories.length > 20;
    option.legend = { top: 0 };
    option.xAxis = { type: "category", data: spec.categories, axisLabel: { interval: many ? "auto" : 0, rotate: spec.categories.length > 6 ? 30 : 0 } };
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = spec.series.map(function (s) { return { type: "bar", stack: "all", name: s.name, data: s.data }; });
    if (many) {
      option.dataZoom = [{ type: "slider", start: 0, end: Math.min(100, 2000 / spec.categories.length), bottom: 0 }];
      option.grid.bottom = 40;
    }
    return option;
  }

  function line(spec) {
    var option = base(spec);
    option.legend = { type: "scroll", top: 0 };
    option.xAxis = { type: "category", data: spec.categories, boundaryGap: false };
    option.yAxis = { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
    option.series = spec.series.map(function (s) { return { type: "line", name: s.name, data: s.data, showSymbol: false, connectNulls: true }; });
    return option;
  }

  var builders = { bar: bar, pie: pie, stacked: stacked, line: line };
  specs.forEach(function (spec) {
    var element = document.getElementById(spec.id);
    if (!element || !builders[spec.type]) { return; }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(builders[spec.type](spec));
    if (spec.links) {
      // A click on a region's bar opens it, as its link in the table does (keyboard users).
      chart.on("click", function (event) {
        var url = spec.links[event.dataIndex];
        if (url) { window.location.assign(url); }
      });
    }
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
