// Disable a form's submit buttons once it is sent, so a double tap on a slow
// connection sends it once. The server refuses duplicates as well.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
});
