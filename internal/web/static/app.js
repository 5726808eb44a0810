// zhijia: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Confirm before destructive actions: <button data-confirm="…">.
  document.addEventListener("submit", function (e) {
    var btn = e.submitter || e.target.querySelector("[data-confirm]");
    var msg = btn && btn.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // Auto-submit filter selects: <select data-autosubmit>.
  document.addEventListener("change", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-autosubmit")) { e.target.form.submit(); }
  });
  // Countdown on "resend code" buttons: <button data-wait="60">.
  var waiters = document.querySelectorAll("[data-wait]");
  Array.prototype.forEach.call(waiters, function (b) {
    var left = parseInt(b.getAttribute("data-wait"), 10) || 0, label = b.textContent;
    if (left <= 0) { return; }
    b.disabled = true;
    var t = setInterval(function () {
      left -= 1;
      b.textContent = label + " (" + left + ")";
      if (left <= 0) { clearInterval(t); b.disabled = false; b.textContent = label; }
    }, 1000);
  });
  // Live demo TOTP codes refresh when their 30-second window ends.
  var demo = document.querySelector("[data-totp-refresh]");
  if (demo) {
    var secs = parseInt(demo.getAttribute("data-totp-refresh"), 10) || 30;
    setTimeout(function () { if (!document.querySelector("input:focus")) { location.reload(); } }, secs * 1000 + 500);
  }
})();
