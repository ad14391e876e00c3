/* The journey figures' charts on the dashboard, drawn by Chart.js (served by the shop:
   static/vendor/chartjs) from the figures the page carries in #journey-chart-data. The table
   under each chart holds the same numbers for anyone who cannot see it. */
(function () {
    "use strict";
    var source = document.getElementById("journey-chart-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var colours = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#57606a"];

    function draw(canvasId, labels, datasets, options) {
        var canvas = document.getElementById(canvasId);
        if (!canvas) { return; }
        new window.Chart(canvas, {
            type: "bar",
            data: {labels: labels, datasets: datasets},
            options: Object.assign({animation: false, responsive: true,
                                    scales: {x: {beginAtZero: true, ticks: {precision: 0}},
                                             y: {beginAtZero: true, ticks: {precision: 0}}}}, options || {})
        });
        canvas.setAttribute("data-drawn", "1");
    }

    function single(name, figure, options) {
        return draw(name + "-chart", figure.labels, [{
            label: name, data: figure.values,
            backgroundColor: figure.values.map(function (_, i) { return colours[i % colours.length]; })
        }], Object.assign({plugins: {legend: {display: false}}}, options || {}));
    }

    single("funnel", data.funnel, {indexAxis: "y"});
    draw("channels-chart", data.channels.labels, Object.keys(data.channels.series).map(function (name, i) {
        return {label: name, data: data.channels.series[name], backgroundColor: colours[i % colours.length]};
    }), {scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}});
    single("ready", data.ready);
    single("counter", data.counter);
}());
