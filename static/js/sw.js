// The service worker: pages come from the network; when there is none, the field capture
// page and the files it needs come from the cache that offline.js fills while online.
// It caches nothing by itself, so no page with member data is ever kept on the phone.
// Form posts (the sync) never pass through it.
var CACHE = "opsi-capture";
var CAPTURE = "/offline/";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  var path = new URL(request.url).pathname;
  if (path === "/exit/" || path === "/sw.js") { return; }  // the quick exit reaches the server untouched
  // The page's own fresh-only fetches (the token before sending, the renewal of the copy) go
  // to the network or fail: never answered from the copy, whose token may be stale.
  if (request.mode !== "navigate" && request.cache === "no-store") { return; }
  event.respondWith(
    fetch(request).catch(function (error) {
      // Offline, a page kept beside the capture page (the partners' directory, which names
      // nobody) opens its copy; any other page of the app opens the capture page (the visit,
      // outreach and referral forms). caches.match never creates a cache, so a wiped phone stays empty.
      if (request.mode !== "navigate") {
        return caches.match(request, {cacheName: CACHE}).then(function (hit) { if (hit) { return hit; } throw error; });
      }
      return caches.match(path, {cacheName: CACHE, ignoreSearch: true}).then(function (kept) {
        return kept || caches.match(CAPTURE, {cacheName: CACHE, ignoreSearch: true});
      }).then(function (hit) {
        if (hit) { return hit; }
        throw error;
      });
    })
  );
});
