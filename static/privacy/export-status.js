// "Download my data": while the archive is being prepared, ask every 3 seconds whether it is
// ready, then reload the page to show the download (no inline script: the CSP allows none).
(function () {
  "use strict";
  var status = document.getElementById("export-status");
  if (!status || !status.dataset.statusUrl) return;
  var tries = 0;
  function ask() {
    tries += 1;
    fetch(status.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer && (answer.ready || answer.state === "failed")) {
          window.location.reload();
        } else if (tries < 200) {
          window.setTimeout(ask, 3000);
        }
      })
      .catch(function () { if (tries < 200) window.setTimeout(ask, 10000); });
  }
  window.setTimeout(ask, 2000);
})();
