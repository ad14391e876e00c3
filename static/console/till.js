/* The till and the returns counter: change due and refund totals as staff type (the server
   checks both again). Loaded after console.js by the till, receipt and returns pages. */
(function () {
    "use strict";

    function money(value, currency) {
        return new Intl.NumberFormat("en-GB", {style: "currency", currency: currency || "GBP"})
            .format(value);
    }

    /* Cash given: show the change due, or what is still missing. */
    var given = document.querySelector("#tender-cash input[name=tendered]");
    var change = document.getElementById("change-due");
    if (given && change) {
        var total = parseFloat(given.dataset.total);
        given.addEventListener("input", function () {
            var amount = parseFloat(given.value.replace(/[£,\s]/g, ""));
            change.classList.remove("short");
            if (isNaN(amount)) {
                change.textContent = "";
            } else if (amount < total) {
                change.classList.add("short");
                change.textContent = money(total - amount, given.dataset.currency) + " more needed";
            } else {
                change.textContent = "Change " + money(amount - total, given.dataset.currency);
            }
        });
    }

    /* Voiding a sale asks first: one stray tap must not empty a full till. */
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
        form.addEventListener("submit", function (event) {
            if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
        });
    });

    /* Returns: each order's refund total as units are typed, before review. */
    document.querySelectorAll("form.return-lines").forEach(function (form) {
        var out = form.querySelector(".refund-total");
        function update() {
            var sum = 0;
            form.querySelectorAll("input[data-unit-refund]").forEach(function (input) {
                var units = parseInt(input.value, 10);
                if (units > 0) { sum += units * parseFloat(input.dataset.unitRefund); }
            });
            if (out) { out.textContent = "Refund " + money(sum, form.dataset.currency); }
        }
        form.addEventListener("input", update);
        update();
    });
})();
