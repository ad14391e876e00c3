/* The store console's behaviour, kept out of the pages so the Content-Security-Policy can
   refuse every inline script. */
(function () {
    "use strict";

    /* Refresh the queue every 20 s without touching the search box (or what is typed in it). */
    var queue = document.getElementById("queue");
    if (queue && queue.dataset.refresh) {
        setInterval(function () {
            fetch(queue.dataset.refresh, {credentials: "same-origin"})
                .then(function (r) { return r.ok ? r.text() : null; })
                .then(function (html) { if (html) { queue.innerHTML = html; } });
        }, 20000);
    }

    /* Print buttons (pick lists, waves). */
    document.addEventListener("click", function (event) {
        if (event.target.closest("[data-print]")) {
            event.preventDefault();
            window.print();
        }
    });
})();
