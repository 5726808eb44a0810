// The service circle's "use my position" button: asks the browser for the
// phone's position only when the worker taps it, then submits the form with
// the WGS-84 coordinates (the server converts them to GCJ-02).
(function () {
  "use strict";
  var btn = document.getElementById("care-locate");
  var form = document.getElementById("care-locate-form");
  var status = document.getElementById("care-geo-status");
  if (!btn || !form) { return; }
  btn.hidden = false;
  btn.addEventListener("click", function () {
    if (!navigator.geolocation) {
      status.textContent = btn.getAttribute("data-unsupported");
      return;
    }
    status.textContent = btn.getAttribute("data-asking");
    btn.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lng.value = pos.coords.longitude.toFixed(6);
      form.submit();
    }, function () {
      btn.disabled = false;
      status.textContent = btn.getAttribute("data-denied");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
}());
