// The capture page: unlock with the PIN, fill a visit or an outreach session into the
// encrypted queue (window.opsiQueue, offline.js), and send the queue to the ordinary forms
// one entry at a time with its submission key. The server checks each entry as any post.
(function () {
  var root = document.getElementById("capture");
  var queue = window.opsiQueue;
  if (!root || !queue) { return; }
  var msg = root.dataset;
  var key = null;
  var syncing = false;
  var again = false;
  var needsLogin = false;  // the session ended: back from logging in (another tab), sending carries on
  var results = {};  // entry id -> the entries this page saw saved on the server
  var CODE = /^[A-Z]{4}[12349]\d{6}$/;  // members/uic.py: UIC_PATTERN
  var CODE_SHAPE = /^[A-Z]{4}\d{7}$/;

  function show(id) {
    ["pin-set", "pin-enter", "unlocked"].forEach(function (name) {
      document.getElementById(name).hidden = name !== id;
    });
  }
  function pinError(section, text) {
    var el = section.querySelector("[data-pin-error]");
    el.textContent = text;
    el.hidden = !text;
  }
  function unlocked(k) {
    key = k;
    show("unlocked");
    document.querySelectorAll("form[data-offline-kind]").forEach(fresh);
    render().then(function () { if (navigator.onLine) { sync(); } });
  }
  function start() {
    queue.lock().then(function (lock) { show(lock ? "pin-enter" : "pin-set"); });
  }

  document.querySelector("[data-pin-set]").addEventListener("click", function () {
    var section = document.getElementById("pin-set");
    var pin = document.getElementById("pin-new").value, again = document.getElementById("pin-again").value;
    if (!/^\d{6,}$/.test(pin)) { return pinError(section, msg.msgPinShort); }
    if (pin !== again) { return pinError(section, msg.msgPinMismatch); }
    pinError(section, "");
    queue.setPin(pin, msg.user).then(unlocked);
  });
  document.querySelector("[data-pin-enter]").addEventListener("click", function () {
    var section = document.getElementById("pin-enter");
    var input = document.getElementById("pin");
    queue.unlock(input.value).then(function (result) {
      input.value = "";
      if (result.key) { pinError(section, ""); return unlocked(result.key); }
      if (result.wiped) { show("pin-set"); return pinError(document.getElementById("pin-set"), msg.msgWiped); }
      pinError(section, msg.msgPinWrong.replace("%(count)s", result.left));
    });
  });

  // --- Filling a form: its fields go into the queue as they would be posted.
  function fresh(form) {
    form.reset();
    form.querySelector("[name=submission_key]").value = crypto.randomUUID();
    // The copy of the page may be from another day: a new entry starts at today.
    var now = new Date();
    var today = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
    form.querySelectorAll("[name=visited_on], [name=held_on]").forEach(function (el) { el.value = today; });
  }
  function fields(form) {
    var list = [];
    new FormData(form).forEach(function (value, name) { list.push([name, String(value)]); });
    return list;
  }
  document.querySelectorAll("form[data-offline-kind]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      event.stopPropagation();  // not a page load: the double-tap guard of app.js does not apply
      var status = form.querySelector("[data-form-status]");
      if (!status) {
        status = document.createElement("p");
        status.setAttribute("role", "status");
        status.dataset.formStatus = "";
        form.appendChild(status);
      }
      // Codes only: a name or an alias typed in a code box (people of a session, a walk-in's
      // code) is never kept on the phone.
      var bad = [];
      form.querySelectorAll("[name=people], [name=walk_in_uic]").forEach(function (box) {
        // A walk-in's code needs only the shape of one (its digits are the server's to judge).
        var shape = box.name === "people" ? CODE : CODE_SHAPE;
        bad = bad.concat(box.value.split(/[,;\n]+/).map(function (t) { return t.trim(); })
          .filter(function (t) { return t && !shape.test(t.toUpperCase().replace(/[^A-Z0-9]/g, "")); }));
      });
      if (bad.length) { status.textContent = msg.msgCodesOnly.replace("%(entries)s", bad.join(", ")); return; }
      var entry = {kind: form.dataset.offlineKind, fields: fields(form), state: "waiting", reasons: [],
                   kept: new Date().toISOString()};
      // The form is emptied at once, not after the phone has stored the entry: what is typed
      // next belongs to the next entry and is never wiped by a late reset. A second tap meanwhile
      // finds the button off and the form empty, so it keeps nothing twice.
      var submit = form.querySelector("button[type=submit]");
      fresh(form);
      submit.disabled = true;
      status.textContent = "";
      queue.add(key, entry).then(function () {
        status.textContent = msg.msgQueued;
        return render().then(function () { if (navigator.onLine) { sync(); } });
      }, function () {
        fill(form, entry.fields);  // the phone would not store it: nothing typed is lost
        status.textContent = msg.msgNotKept;
      }).finally(function () { submit.disabled = false; });
    }, true);
  });

  // --- The list of waiting entries: what each is, what the server said, fix or discard.
  // "2026-12-02" read as the page's language writes a day ("2 Des 2026"); the stored value stays as typed.
  function day(value) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!parts) { return value; }
    var date = new Date(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
    return date.toLocaleDateString(document.documentElement.lang || undefined, {day: "numeric", month: "short", year: "numeric"});
  }
  function describe(entry) {
    var get = function (name) {
      var hit = entry.fields.filter(function (f) { return f[0] === name; })[0];
      return hit ? hit[1] : "";
    };
    return entry.kind === "visit"
      ? msg.msgVisit + " " + get("walk_in_uic") + " · " + day(get("visited_on"))
      : msg.msgSession + " " + get("area") + " · " + day(get("held_on"));
  }
  function render() {
    return queue.all(key).then(function (entries) {
      var list = root.querySelector("[data-queue]");
      list.textContent = "";
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        item.dataset.entryState = entry.state;
        var said = entry.state === "refused" ? msg.msgRefused + ": " + entry.reasons.join(" ") : msg.msgWaiting;
        item.textContent = describe(entry) + " — " + said + " ";
        if (entry.state === "refused") {
          item.appendChild(button(msg.msgEdit, function () { edit(entry); }));
          item.appendChild(button(msg.msgDiscard, function () { queue.remove(entry.id).then(render); }));
        }
        list.appendChild(item);
      });
      Object.keys(results).forEach(function (id) {
        var text = results[id];
        var item = document.createElement("li");
        item.dataset.entryState = "saved";
        item.textContent = text + " — " + msg.msgSaved;
        list.appendChild(item);
      });
      if (!entries.length && !Object.keys(results).length) {
        var none = document.createElement("li");
        none.textContent = msg.msgNothing;
        list.appendChild(none);
      }
    });
  }
  function button(text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn-small";
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }
  // A refused entry goes back into its form (same submission key) and leaves the queue
  // until it is kept again.
  function fill(form, list) {
    form.reset();
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = false; });
    // Matched by walking the fields, not by a selector built from the typed value (a line
    // break or a backslash in it would make the selector invalid and lose the entry).
    var elements = Array.prototype.slice.call(form.elements);
    list.forEach(function (f) {
      var box = elements.filter(function (el) { return el.type === "checkbox" && el.name === f[0] && el.value === f[1]; })[0];
      if (box) { box.checked = true; return; }
      var el = elements.filter(function (e) { return e.name === f[0]; })[0];
      if (el) { el.value = f[1]; }
    });
  }
  function edit(entry) {
    var form = document.querySelector("form[data-offline-kind=" + entry.kind + "]");
    fill(form, entry.fields);
    queue.remove(entry.id).then(render).then(function () {
      var first = form.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
  }

  // --- Sending: one entry at a time, to the same form views as a page would post.
  var message = root.querySelector("[data-sync-message]");
  var WAIT_MS = 30000;  // a request hanging on a weak signal gives up, the entry waits for the next try
  // A send that failed while the phone still says "online" (a weak signal, a server restarting)
  // is tried again by itself, 2 s later, then 4, 8 ... at most every minute; no "online" event
  // may ever come to wake it.
  var retryMs = 0;
  var retryTimer = null;
  function retryLater() {
    clearTimeout(retryTimer);
    retryMs = Math.min(retryMs ? retryMs * 2 : 2000, 60000);
    retryTimer = setTimeout(function () { if (navigator.onLine) { sync(); } }, retryMs);
  }
  function fetchWithin(url, options) {
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, WAIT_MS);
    options.signal = abort.signal;
    return fetch(url, options).finally(function () { clearTimeout(timer); });
  }
  function atLogin(response) { return new URL(response.url).pathname.indexOf("/login/") === 0; }
  // The entries are sent only under the login of the worker who kept them: after a session
  // ended, someone else logging in on the phone gets OTHER, and nothing is sent as her.
  var OTHER = "other";
  var owner = msg.user;
  function token() {
    return fetchWithin(msg.captureUrl, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      if (atLogin(response)) { return null; }
      if (!response.ok) { throw new Error("unavailable"); }
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var capture = page.getElementById("capture");
        if (capture) { return capture.dataset.user === owner ? capture.dataset.csrf : OTHER; }
        if (page.querySelector("input[type=password]")) { return null; }  // the login page, however reached
        throw new Error("unavailable");
      });
    });
  }
  function reasonsIn(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var reasons = [];
    page.querySelectorAll("form .has-error, form > p.error").forEach(function (box) {
      var label = box.querySelector("legend, label");
      var errors = Array.prototype.map.call(box.querySelectorAll(".error"), function (e) { return e.textContent.trim(); });
      if (box.matches("p.error")) { errors = [box.textContent.trim()]; label = null; }
      var name = label ? label.textContent.replace("*", "").trim() + ": " : "";
      if (errors.length) { reasons.push(name + errors.join(" ")); }
    });
    return reasons.length ? reasons : [msg.msgRefused];
  }
  function send(entry, csrf) {
    var body = new URLSearchParams(entry.fields);
    body.append("csrfmiddlewaretoken", csrf);
    var url = entry.kind === "visit" ? msg.visitUrl : msg.sessionUrl;
    return fetchWithin(url, {method: "POST", body: body, credentials: "same-origin", redirect: "follow"}).then(function (response) {
      if (atLogin(response)) { return {login: true}; }
      if (response.redirected && response.ok) { return {saved: true}; }  // to the saved record's page
      if (response.status === 200) { return response.text().then(function (html) { return {refused: reasonsIn(html)}; }); }
      if (response.status === 403) { return {forbidden: true}; }
      if (response.status === 404 || response.status === 400) {
        return {refused: [msg.msgNotFound]};
      }
      return {later: true};  // 503 and the like: the database will be back
    });
  }
  function sync() {
    if (!key) { return Promise.resolve(); }
    if (syncing) { again = true; return Promise.resolve(); }  // the signal came back mid-way: once more after
    syncing = true;
    root.dataset.syncing = "1";
    message.textContent = "";
    return queue.lock().then(function (lock) {
      owner = (lock && lock.user) || msg.user;
      return token();
    }).then(function (csrf) {
      if (!csrf) { return "login"; }
      if (csrf === OTHER) { return OTHER; }
      return queue.all(key).then(function (entries) {
        var waiting = entries.filter(function (e) { return e.state === "waiting"; });
        return waiting.reduce(function (chain, entry) {
          return chain.then(function (stop) {
            if (stop) { return stop; }
            return send(entry, csrf).then(function (answer) {
              // A token the cookie no longer matches (a login in another tab): once more with a fresh one.
              if (!answer.forbidden) { return answer; }
              return token().then(function (fresh) {
                if (!fresh) { return {login: true}; }
                if (fresh === OTHER) { return {other: true}; }
                csrf = fresh;
                return send(entry, csrf);
              });
            }).then(function (answer) {
              if (answer.forbidden) { answer = {refused: [msg.msgNotAllowed]}; }
              if (answer.login) { return "login"; }
              if (answer.other) { return OTHER; }
              if (answer.later) { return "later"; }
              if (answer.saved) { results[entry.id] = describe(entry); return queue.remove(entry.id); }
              entry.state = "refused";
              entry.reasons = answer.refused;
              var id = entry.id;
              delete entry.id;
              return queue.replace(key, id, entry);
            });
          });
        }, Promise.resolve());
      });
    }).catch(function () { return "later"; }).then(function (stop) {
      syncing = false;
      delete root.dataset.syncing;
      root.dataset.syncDone = String(Number(root.dataset.syncDone || 0) + 1);  // tests wait on it
      needsLogin = stop === "login" || stop === OTHER;
      if (again) { again = false; return render().then(sync); }
      if (stop === "login") {
        message.textContent = "";
        var link = document.createElement("a");
        link.href = "/login/?next=" + encodeURIComponent(msg.captureUrl);
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = msg.msgLogin;
        message.appendChild(link);
      } else if (stop === "later") {
        message.textContent = msg.msgLater;
      } else if (stop === OTHER) {
        message.textContent = msg.msgOtherUser;
      }
      if (stop === "later") { retryLater(); } else { retryMs = 0; clearTimeout(retryTimer); }
      return render();
    });
  }
  root.querySelector("[data-sync]").addEventListener("click", function () { sync(); });
  window.addEventListener("online", function () { sync(); });
  window.addEventListener("focus", function () { if (needsLogin) { sync(); } });
  window.opsiSync = sync;  // the browser tests wait on it
  start();
})();
