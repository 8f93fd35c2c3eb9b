// The member code (UIC) worked out on the phone as the answers are typed, by the same
// formula as the server (members/uic.py): first two letters of the mother's and the
// father's first names (accents folded, A-Z only, padded with X), a gender digit and the
// birth date as DDMMYY. A browser test checks both give the same code.
(function () {
  var GENDER_CODES = {man: "1", woman: "2", waria: "3", another: "4", not_said: "9"};

  function fold(text) {
    return (text || "").normalize("NFKD").replace(/\p{M}/gu, "").toUpperCase();
  }
  function initials(name) {
    return (fold(name).replace(/[^A-Z]/g, "").slice(0, 2) + "XX").slice(0, 2);
  }
  function build(mother, father, gender, birth) {
    var date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth || "");
    if (!GENDER_CODES[gender] || !date) { return ""; }
    return initials(mother) + initials(father) + GENDER_CODES[gender] + date[3] + date[2] + date[1].slice(2);
  }
  window.opsiUic = {build: build};

  function wire(box) {
    function find(name) { return box.querySelector("[data-uic-" + name + "]") || document.getElementById(box.getAttribute("data-uic-" + name + "-id")); }
    var mother = find("mother"), father = find("father"), gender = find("gender"), birth = find("birth");
    var output = find("output");
    var target = document.getElementById(box.getAttribute("data-uic-target") || "");
    if (!mother || !father || !gender || !birth || !output) { return; }
    function update() {
      var code = build(mother.value, father.value, gender.value, birth.value);
      output.textContent = code || "–";
      if (code && target) { target.value = code; }
    }
    [mother, father, gender, birth].forEach(function (el) {
      el.addEventListener("input", update);
      el.addEventListener("change", update);
    });
    update();
  }
  function start() { document.querySelectorAll("[data-uic]").forEach(wire); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
