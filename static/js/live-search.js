// Results appear while typing: the search form's results list is refreshed from
// the server (a small HTML fragment) after a short pause in typing. Only the answer
// to the latest query is shown: an older request is aborted, and an answer that
// arrives for a query no longer typed is dropped.
(function () {
  var form = document.querySelector("form[data-live-search]");
  if (!form) { return; }
  var input = form.querySelector("input[type=search]");
  var timer = null;
  var pending = null;
  var latest = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var asked = ++latest;
      var url = form.dataset.liveSearch + "?partial=1&q=" + encodeURIComponent(input.value);
      fetch(url, { credentials: "same-origin", signal: pending.signal })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null || asked !== latest) { return; }
          var current = document.getElementById("member-results");
          var holder = document.createElement("div");
          holder.innerHTML = html;
          current.replaceWith(holder.firstElementChild);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") { throw error; }
        });
    }, 300);
  });
})();
