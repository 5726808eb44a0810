// Member card checker (package membership): the token is in the URL's fragment,
// which never reaches the server; its ECDSA P-256 signature is checked here with
// WebCrypto against the public key in the page, so it works offline.
(function () {
  "use strict";
  var root = document.getElementById("verify");
  if (!root) { return; }

  function $(id) { return document.getElementById(id); }
  function show(id, on) { $(id).hidden = !on; }

  function b64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // Card times are shown in Beijing time whatever the phone's zone.
  function shanghai(sec) {
    var d = new Date((sec + 8 * 3600) * 1000);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }

  function reset() {
    ["v-checking", "v-empty", "v-unsupported", "v-result", "v-invalid", "v-valid", "v-expired"].forEach(function (id) { show(id, false); });
  }

  function invalid() { reset(); show("v-invalid", true); root.setAttribute("data-state", "invalid"); }

  function check() {
    reset();
    var token = location.hash.replace(/^#/, "");
    if (!token) { show("v-empty", true); root.setAttribute("data-state", "empty"); return; }
    if (!window.crypto || !crypto.subtle) { show("v-unsupported", true); root.setAttribute("data-state", "unsupported"); return; }
    show("v-checking", true);
    var parts = token.split("."), payload, sig;
    try {
      if (parts.length !== 2) { throw new Error("shape"); }
      payload = b64url(parts[0]);
      sig = b64url(parts[1]);
      if (sig.length !== 64) { throw new Error("signature length"); }
    } catch (e) { invalid(); return; }
    var jwk = JSON.parse(root.getAttribute("data-jwk"));
    jwk.ext = true;
    crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"])
      .then(function (key) {
        return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, sig, payload);
      })
      .then(function (ok) {
        if (!ok) { invalid(); return; }
        var c = JSON.parse(new TextDecoder("utf-8").decode(payload));
        reset();
        $("v-name").textContent = c.n;
        $("v-union").textContent = c.o;
        $("v-since").textContent = c.s;
        $("v-until").textContent = shanghai(c.exp);
        var valid = Date.now() / 1000 < c.exp;
        show(valid ? "v-valid" : "v-expired", true);
        show("v-result", true);
        root.setAttribute("data-state", valid ? "valid" : "expired");
      })
      .catch(invalid);
  }

  window.addEventListener("hashchange", check);
  check();

  // Keep this page, its script and styles on the phone for checking offline.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/verify" }).catch(function () {});
  }
})();
