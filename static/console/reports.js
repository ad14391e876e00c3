/* The reports page's charts, drawn by Chart.js (served by the shop: static/vendor/chartjs)
   from the figures the page carries in #report-chart-data. The "Day by day" table holds the
   same numbers for anyone who cannot see the charts. */
(function () {
    "use strict";
    var source = document.getElementById("report-chart-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var colours = ["#1f6feb", "#2da44e", "#cf222e", "#bf8700"];
    var money = new Intl.NumberFormat(document.documentElement.lang || "en-GB", {style: "currency", currency: data.currency || "GBP"});

    function draw(canvasId, series, type) {
        var canvas = document.getElementById(canvasId);
        if (!canvas) { return; }
        var names = Object.keys(series);
        new window.Chart(canvas, {
            type: type,
            data: {
                labels: data.labels,
                datasets: names.map(function (name, i) {
                    return {label: name, data: series[name], backgroundColor: colours[i % colours.length],
                            borderColor: colours[i % colours.length], fill: false, tension: 0.2};
                })
            },
            options: {
                animation: false,
                responsive: true,
                scales: {y: {beginAtZero: true, ticks: {callback: function (value) { return money.format(value); }}}},
                plugins: {tooltip: {callbacks: {label: function (item) {
                    return item.dataset.label + ": " + money.format(item.parsed.y);
                }}}}
            }
        });
        canvas.setAttribute("data-drawn", "1");
    }

    draw("sales-chart", data.sales, "bar");
    draw("money-back-chart", data.money_back, "bar");
}());
