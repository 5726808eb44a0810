// Service worker for the member card checker (/verify): keeps the page, its
// script and styles so a staff phone checks cards with no network. The page is
// fetched fresh when online (a new key or wording arrives), the cache otherwise.
"use strict";
var CACHE = "zhijia-verify-v1";
var PAGES = ["/verify", "/static/verify.js", "/static/app.css", "/static/app.js", "/static/logo.svg"];

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(PAGES); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (e) {
  var url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.origin !== location.origin || PAGES.indexOf(url.pathname) < 0) {
    return;
  }
  var key = url.pathname;
  e.respondWith(fetch(e.request).then(function (res) {
    if (res.ok) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { c.put(key, copy); });
    }
    return res;
  }).catch(function () {
    return caches.match(key);
  }));
});
