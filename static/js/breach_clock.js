// The clock of a breach's notices (privacy/templates/privacy/breach_detail.html): the page is
// asked again each minute and only the clock is put in place, until both notices are sent. A
// whole-page refresh (meta refresh) would move a reader who is reading the drafted notices.
(function () {
  var clock = document.getElementById("breach-clock");
  if (!clock) { return; }
  function tick() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("breach-clock");
        if (!fresh) { clock.remove(); return; }  // both notices sent meanwhile
        clock.replaceChildren.apply(clock, Array.prototype.map.call(fresh.childNodes, function (node) {
          return document.importNode(node, true);
        }));
        clock.className = fresh.className;
        window.setTimeout(tick, 60000);
      })
      .catch(function () { window.setTimeout(tick, 60000); });
  }
  window.setTimeout(tick, 60000);
})();
