// Disable a form's submit buttons once it is sent, so a double tap on a slow
// connection sends it once. The server refuses duplicates as well.
// A disabled button is left out of the form data (the browser builds it after this
// event), so the pressed button's name and value travel in a hidden field instead.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  var pressed = event.submitter;
  if (pressed && pressed.name) {
    var kept = document.createElement("input");
    kept.type = "hidden";
    kept.name = pressed.name;
    kept.value = pressed.value;
    kept.dataset.pressed = "1";
    form.appendChild(kept);
  }
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = true; });
});

// A page brought back by the Back button is usable again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) { return; }
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    delete form.dataset.sent;
    form.querySelectorAll("input[data-pressed]").forEach(function (i) { i.remove(); });
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = false; });
  });
});

// The quick exit takes the place of the page in the browser's history, so Back
// does not lead to it (without JavaScript the link still leaves and logs out).
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a.exit");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
  event.preventDefault();
  window.location.replace(link.href);
});
