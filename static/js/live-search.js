// Results appear while typing: the search form's results list is refreshed from
// the server (a small HTML fragment) after a short pause in typing.
(function () {
  var form = document.querySelector("form[data-live-search]");
  if (!form) { return; }
  var input = form.querySelector("input[type=search]");
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = form.dataset.liveSearch + "?partial=1&q=" + encodeURIComponent(input.value);
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          var current = document.getElementById("member-results");
          var holder = document.createElement("div");
          holder.innerHTML = html;
          current.replaceWith(holder.firstElementChild);
        });
    }, 300);
  });
})();
