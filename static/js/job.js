// The progress page of a file made on the queue (templates/jobs/job_progress.html): asks the
// page again every 2 seconds and puts its new state in place, until the file is ready or
// could not be made. Without script the page's "Check again" link does the same by hand.
(function () {
  var box = document.getElementById("job-state");
  if (!box) { return; }
  function waiting(state) { return state === "queued" || state === "running"; }
  function check() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("job-state");
        if (!fresh) { return; }
        // Only a change is put in place: the status region would read the same words again.
        if (fresh.dataset.key !== box.dataset.key) {
          box.replaceChildren.apply(box, Array.prototype.map.call(fresh.childNodes, function (node) {
            return document.importNode(node, true);
          }));
          box.dataset.key = fresh.dataset.key;
          box.dataset.state = fresh.dataset.state;
        }
        if (waiting(fresh.dataset.state)) { window.setTimeout(check, 2000); }
      })
      .catch(function () { window.setTimeout(check, 5000); });
  }
  if (waiting(box.dataset.state)) { window.setTimeout(check, 2000); }
})();
