/* Receiving a transfer in the store console: a scanned (or typed) barcode adds one to the
   received count of its line, up to what was shipped; "start from zero" clears the counts
   to count the box item by item. Without JavaScript the counts are typed. */
(function () {
    "use strict";
    var scanForm = document.getElementById("scan-form");
    var lines = document.getElementById("receive-lines");
    if (!scanForm || !lines) { return; }
    var input = document.getElementById("scan-upc");
    var status = document.getElementById("scan-status");
    var zero = document.getElementById("start-from-zero");

    function say(text, ok) {
        status.textContent = text;
        status.className = ok ? "success" : "error";
    }
    function rowFor(code) {
        var wanted = code.trim().toLowerCase();
        var rows = lines.querySelectorAll("tr[data-upc]");
        for (var i = 0; i < rows.length; i++) {
            if (rows[i].getAttribute("data-upc").toLowerCase() === wanted) { return rows[i]; }
        }
        return null;
    }

    zero.hidden = false;
    zero.addEventListener("click", function () {
        lines.querySelectorAll("input[type=number]").forEach(function (field) { field.value = "0"; });
        say("Counts cleared: scan each item that arrived.", true);
        input.focus();
    });

    scanForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var code = input.value;
        input.value = "";
        if (!code.trim()) { return; }
        var row = rowFor(code);
        if (!row) { say(code + " is not on this transfer.", false); return; }
        var field = row.querySelector("input[type=number]");
        var count = parseInt(field.value || "0", 10) || 0;
        var most = parseInt(field.max, 10);
        var title = row.querySelector("label").textContent;
        if (count >= most) { say(title + ": already " + most + ", all that was shipped.", false); return; }
        field.value = String(count + 1);
        say(title + ": " + (count + 1) + " of " + most + ".", true);
    });
}());
