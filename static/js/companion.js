// The outreach companion searched on the phone, with or without signal: topics whose text holds
// every word typed stay shown. Nothing typed or read leaves the page.
(function () {
  var box = document.querySelector("[data-companion-search]");
  var count = document.querySelector("[data-companion-count]");
  if (!box) { return; }
  var topics = Array.prototype.slice.call(document.querySelectorAll("[data-companion-topic]"));
  var texts = topics.map(function (t) { return t.textContent.toLowerCase(); });
  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    topics.forEach(function (topic, i) {
      var keep = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      topic.hidden = !keep;
      topic.style.display = keep ? "" : "none";  // .card sets a display of its own
      if (keep) { shown += 1; }
    });
    count.textContent = shown ? "" : count.dataset.msgNone;
  }
  box.addEventListener("input", apply);
})();
