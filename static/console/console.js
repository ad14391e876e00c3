/* The store console's behaviour, kept out of the pages so the Content-Security-Policy can
   refuse every inline script. */
(function () {
    "use strict";

    var body = document.body;

    /* --- Sounds: a chime for news, a low buzz for a refused scan (Web Audio, no files). ---- */
    var audio = null;
    function tone(frequencies, length, type) {
        try {
            audio = audio || new (window.AudioContext || window.webkitAudioContext)();
            frequencies.forEach(function (frequency, i) {
                var oscillator = audio.createOscillator();
                var gain = audio.createGain();
                var start = audio.currentTime + i * length;
                oscillator.type = type;
                oscillator.frequency.value = frequency;
                gain.gain.setValueAtTime(0.2, start);
                gain.gain.exponentialRampToValueAtTime(0.001, start + length);
                oscillator.connect(gain).connect(audio.destination);
                oscillator.start(start);
                oscillator.stop(start + length);
            });
        } catch (error) { /* no sound on this device: the badge and the message still show */ }
    }
    function sound(name) {
        /* Counted on the page, so staff (and tests) can see a sound was asked for. */
        var key = "sound" + name.charAt(0).toUpperCase() + name.slice(1);
        body.dataset[key] = String(Number(body.dataset[key] || 0) + 1);
        if (name === "chime") { tone([880, 1175], 0.18, "sine"); }
        else if (name === "error") { tone([196, 147], 0.22, "square"); }
        else { tone([1320], 0.08, "sine"); }
    }

    /* --- One scan target per page. -------------------------------------------------------
       A barcode scanner is a keyboard that types fast and presses Enter. Whatever has focus,
       its keys land in the page's scan field (the one in <main> marked data-scan, else the
       header's search): typed with nothing focused, they go straight there; a burst typed into
       another field (a quantity, a note) is taken back out of it and moved there on Enter.
       A field marked data-scan-accept (the till's customer field, for an account QR) keeps
       what is scanned into it. */
    var scanTarget = document.querySelector("main [data-scan]") || document.querySelector("[data-scan]");
    var SCANNER_GAP = 35;   /* ms between a scanner's keys; people type slower */
    var burst = null;       /* {field, before, chars, last, slow} */

    function isEditable(element) {
        return element && (element.isContentEditable ||
            /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName) &&
            !/^(checkbox|radio|submit|button|reset|file|hidden)$/i.test(element.type || ""));
    }
    function submitScan(value) {
        scanTarget.value = value;
        scanTarget.focus();
        sessionStorage.setItem("consoleScanned", "1");
        if (scanTarget.form) {
            if (scanTarget.form.requestSubmit) { scanTarget.form.requestSubmit(); } else { scanTarget.form.submit(); }
        }
    }

    if (scanTarget) {
        document.addEventListener("keydown", function (event) {
            if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
            var active = document.activeElement;
            if (active === scanTarget) {
                if (event.key === "Enter") { sessionStorage.setItem("consoleScanned", "1"); }
                return;
            }
            var now = event.timeStamp || Date.now();
            var typing = event.key.length === 1;
            if (!isEditable(active)) {
                /* Nothing to type into: the key belongs to the scan field. */
                if (typing) {
                    event.preventDefault();
                    if (!burst || burst.field !== null || now - burst.last > 1000) {
                        burst = {field: null, chars: "", last: now};
                        scanTarget.value = "";
                    }
                    burst.chars += event.key;
                    burst.last = now;
                    scanTarget.value = burst.chars;
                    scanTarget.focus();
                } else if (event.key === "Enter" && burst && burst.field === null && burst.chars) {
                    event.preventDefault();
                    var chars = burst.chars;
                    burst = null;
                    submitScan(chars);
                }
                return;
            }
            if (active.hasAttribute("data-scan-accept")) { return; }
            /* Focus is in another field: watch for a scanner's burst. */
            if (typing) {
                if (!burst || burst.field !== active || now - burst.last > SCANNER_GAP) {
                    burst = {field: active, before: active.value, chars: "", last: now, slow: false};
                }
                burst.chars += event.key;
                burst.last = now;
            } else if (event.key === "Enter" && burst && burst.field === active &&
                       burst.chars.length >= 4 && now - burst.last <= SCANNER_GAP * 3) {
                event.preventDefault();
                var scanned = burst.chars;
                active.value = burst.before;  /* the field gets back what it held */
                burst = null;
                submitScan(scanned);
            } else {
                burst = null;
            }
        }, true);
    }

    /* A scan answered: a short beep when it worked, a buzz when it was refused. */
    if (sessionStorage.getItem("consoleScanned")) {
        sessionStorage.removeItem("consoleScanned");
        if (document.querySelector(".messages .error")) { sound("error"); }
        else if (document.querySelector(".messages p")) { sound("ok"); }
    }

    /* --- Awareness: new orders and arrivals, on every console page. ----------------------- */
    var badge = document.getElementById("pulse-badge");
    var queue = document.getElementById("queue");
    var interval = Number(body.dataset.pulseSeconds || 15) * 1000;
    function seenKey() { return "consoleSeen:" + body.dataset.store; }
    function loadSeen() {
        try { return JSON.parse(sessionStorage.getItem(seenKey())) || null; } catch (error) { return null; }
    }
    function saveSeen(state) { sessionStorage.setItem(seenKey(), JSON.stringify(state)); }
    function fresh(now, before) {
        return now.filter(function (number) { return before.indexOf(number) === -1; });
    }
    function showBadge(newOrders, arrivals) {
        if (!badge) { return; }
        var parts = [];
        if (newOrders.length) { parts.push(newOrders.length + " new order" + (newOrders.length > 1 ? "s" : "")); }
        if (arrivals.length) { parts.push(arrivals.length + " here to collect"); }
        badge.hidden = parts.length === 0;
        badge.textContent = parts.join(" · ");
        document.title = document.title.replace(/^\(\d+\) /, "");
        if (parts.length) { document.title = "(" + (newOrders.length + arrivals.length) + ") " + document.title; }
    }
    function pulse() {
        fetch(body.dataset.pulse, {credentials: "same-origin", cache: "no-store"})
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (now) {
                if (!now) { return; }
                var seen = loadSeen();
                if (seen === null || queue) {
                    /* First look, or the queue is on screen: what it shows counts as seen. */
                    if (queue && seen && (fresh(now.to_pick, seen.to_pick).length || fresh(now.arrived, seen.arrived).length)) {
                        sound("chime");
                    }
                    saveSeen({to_pick: now.to_pick, arrived: now.arrived, unseen: {to_pick: [], arrived: []}});
                    showBadge([], []);
                    return;
                }
                var newOrders = fresh(now.to_pick, seen.to_pick);
                var arrivals = fresh(now.arrived, seen.arrived);
                if (newOrders.length || arrivals.length) { sound("chime"); }
                var unseen = {
                    to_pick: seen.unseen.to_pick.concat(newOrders).filter(function (n) { return now.to_pick.indexOf(n) !== -1; }),
                    arrived: seen.unseen.arrived.concat(arrivals).filter(function (n) { return now.arrived.indexOf(n) !== -1; })
                };
                saveSeen({to_pick: now.to_pick, arrived: now.arrived, unseen: unseen});
                showBadge(unseen.to_pick, unseen.arrived);
            })
            .catch(function () { /* offline for a moment: the next beat tries again */ });
    }
    function refreshQueue() {
        fetch(queue.dataset.refresh, {credentials: "same-origin", cache: "no-store"})
            .then(function (r) { return r.ok ? r.text() : null; })
            .then(function (html) { if (html) { queue.innerHTML = html; } });
    }
    if (body.dataset.pulse) {
        pulse();
        setInterval(function () {
            pulse();
            if (queue && queue.dataset.refresh) { refreshQueue(); }
        }, interval);
    }

    /* --- Print buttons (pick lists, waves, labels, receipts). ----------------------------- */
    document.addEventListener("click", function (event) {
        if (event.target.closest("[data-print]")) {
            event.preventDefault();
            window.print();
        }
    });
})();
