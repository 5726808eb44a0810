// Roster import progress (package people): while the job runs, ask for its
// progress every second and move the bar; when it ends, reload for the summary.
(function () {
  "use strict";
  var root = document.getElementById("import-job");
  if (!root || root.getAttribute("data-status") !== "running") { return; }
  var bar = document.getElementById("import-bar");
  var count = document.getElementById("import-count");
  var template = count ? count.getAttribute("data-label").replace(/0/, "{n}") : "";
  function poll() {
    fetch(root.getAttribute("data-progress"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (p.status !== "running") { window.location.reload(); return; }
        if (p.total > 0) { bar.max = p.total; bar.value = p.done; }
        if (count && p.total > 0) { count.textContent = template.replace("{n}", p.percent); }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
