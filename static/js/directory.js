// The partners' directory filtered on the phone: the copy kept for use without signal is the
// whole list, so the kind, branch and words chosen (in the form or the address) are applied here.
(function () {
  var form = document.querySelector("[data-directory-filter]");
  var list = document.querySelector("[data-directory]");
  var count = document.querySelector("[data-directory-count]");
  if (!form || !list) { return; }
  var params = new URLSearchParams(window.location.search);
  ["kind", "branch", "q"].forEach(function (name) {
    if (params.has(name) && form.elements[name]) { form.elements[name].value = params.get(name); }
  });
  function apply() {
    var kind = form.elements.kind.value;
    var branch = form.elements.branch.value;
    var words = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    list.querySelectorAll("li[data-kind]").forEach(function (item) {
      var keep = (!kind || item.dataset.kind === kind) &&
        (!branch || item.dataset.branches.indexOf(" " + branch + " ") >= 0) &&
        (!words || item.dataset.text.indexOf(words) >= 0);
      item.hidden = !keep;
      item.style.display = keep ? "" : "none";  // .card sets a display of its own, which [hidden] does not beat
      if (keep) { shown += 1; }
    });
    if (count) { count.textContent = count.dataset.msgCount.replace("%(count)s", shown); }
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = new URLSearchParams();
    ["kind", "branch", "q"].forEach(function (name) {
      if (form.elements[name].value) { query.set(name, form.elements[name].value); }
    });
    history.replaceState(null, "", window.location.pathname + (query.toString() ? "?" + query : ""));
    apply();
  });
  form.addEventListener("change", apply);
  apply();
})();
