// A form sent back with errors: its summary (templates/includes/error_summary.html) takes
// the focus, so the first screen shows what to fix and a screen reader reads it, wherever
// the field is. A link of the summary puts the focus in its field (the first box of a
// group), with the field's label in view.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) { return; }
      event.preventDefault();
      var input = target.matches("input, select, textarea") ? target
        : target.querySelector("input:not([type=hidden]), select, textarea");
      var label = target.tagName === "FIELDSET" ? target.querySelector("legend")
        : document.querySelector("label[for='" + target.id + "']");
      (label || target).scrollIntoView();
      if (input) { input.focus({ preventScroll: true }); }
    });
    return;
  }
  // A form opened for one person (a member chosen from the results) starts at its first
  // answer, not at the top of the page.
  var form = document.querySelector("form[data-focus-first]");
  var first = form && form.querySelector("input:not([type=hidden]), select, textarea");
  if (first) { first.focus(); }
})();
