// Small improvements of every page; each works on its own.

// A table wider than the screen scrolls inside its wrapper: make the wrapper reachable
// by keyboard and named, so it can be scrolled without a pointer (WCAG 2.1.1).
(function () {
  function label(wrap) {
    var el = wrap.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) { el = el.previousElementSibling; }
    var caption = wrap.querySelector("caption");
    return (caption && caption.textContent) || (el && el.textContent) || document.title;
  }
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap).trim());
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mark); } else { mark(); }
  window.addEventListener("resize", mark);
})();

// After a form comes back with errors, the summary at the top takes focus, so a screen
// reader reads it and the page opens on it; its links lead to each field.
(function () {
  function focusSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", focusSummary); } else { focusSummary(); }
})();

// The quick exit first deletes the page key the login lives beside (opsi/session_binding.py),
// synchronously, before anything else: with no signal the exit never reaches the server, but
// the session left on the phone is already dead, for this browser and for a copy of its cookies.
(function () {
  window.opsiDropPageKey = function () {
    document.cookie = "pagekey=; Max-Age=0; path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
  };
  function onExit(event) {
    if (event.target.closest && event.target.closest("a.exit")) { window.opsiDropPageKey(); }
  }
  window.addEventListener("click", onExit, true);
  window.addEventListener("auxclick", onExit, true);
})();
