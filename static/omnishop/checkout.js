/* Checkout: choosing a store also chooses click and collect. */
(function () {
    "use strict";
    document.addEventListener("change", function (event) {
        if (event.target.matches("input[name='store']")) {
            var collect = document.getElementById("method-collect");
            if (collect) { collect.checked = true; }
        }
    });
})();
