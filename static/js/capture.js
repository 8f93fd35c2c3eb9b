// The capture page: unlock with the PIN, fill a visit, an outreach session or a referral to a
// partner's service into the encrypted queue (window.opsiQueue, offline.js), and send the queue
// to the ordinary forms one entry at a time with its submission key. The server checks each entry as any post.
(function () {
  var root = document.getElementById("capture");
  var queue = window.opsiQueue;
  if (!root || !queue) { return; }
  var msg = root.dataset;
  var opened = null;  // the worker whose PIN opened the page: {key, slot, config}
  var worker = null;  // the logged-in worker as the server said while online (number, token, settings)
  var syncing = false;
  var again = false;
  var needsLogin = false;  // the session ended: back from logging in (another tab), sending carries on
  // What the server said of each entry this page sent, in memory only: a refused entry's fields
  // and reasons come from the server (the phone cannot open the entry) and go with the page.
  var answers = {};
  var saved = [];
  var CODE = /^[A-Z]{4}[12349]\d{6}$/;  // members/uic.py: UIC_PATTERN
  var pinNew = document.querySelector("[data-pin-new]");

  function show(id) {
    ["pin-none", "pin-set", "pin-enter", "unlocked"].forEach(function (name) {
      document.getElementById(name).hidden = name !== id;
    });
  }
  function pinError(section, text) {
    var el = section.querySelector("[data-pin-error]");
    if (!el) { return; }
    el.textContent = text;
    el.hidden = !text;
  }
  function configOf(w) { return {user: w.user, choices: w.choices}; }
  // The worker's own centres and branches go into the empty selects of the kept page.
  function applyConfig() {
    var choices = opened.config.choices || {};
    Object.keys(choices).forEach(function (id) {
      var select = document.getElementById(id);
      if (!select) { return; }
      var choice = choices[id];
      select.textContent = "";
      choice.options.forEach(function (o) { select.add(new Option(o[1], o[0], o[0] === choice.value, o[0] === choice.value)); });
      var wrap = select.closest(".field");
      if (wrap && (id === "session_branch" || id === "referral_branch")) { wrap.hidden = choice.options.length === 1; }
    });
  }
  // --- Ready to work without signal only once the service worker is active and every file of
  // this page (the page itself, its CSS, JS and icon) is in Cache Storage: before that, going
  // offline would open a half-kept page, so the page says to keep the signal on.
  var readyLine = root.querySelector("[data-ready]");
  var readyTimer = null;
  var renewing = null;
  function pageFiles() {
    var files = [msg.captureUrl];
    document.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=icon][href]").forEach(function (el) {
      files.push(el.getAttribute("src") || el.getAttribute("href"));
    });
    return files;
  }
  function isReady() {
    if (!("serviceWorker" in navigator) || !window.caches) { return Promise.resolve(false); }
    return navigator.serviceWorker.getRegistration("/").then(function (reg) {
      if (!reg || !reg.active || reg.active.state !== "activated") { return false; }
      return Promise.all(pageFiles().map(function (url) { return caches.match(url, {cacheName: "opsi-capture"}); }))
        .then(function (hits) { return hits.every(Boolean); });
    }).catch(function () { return false; });
  }
  function checkReady() {
    clearTimeout(readyTimer);
    return isReady().then(function (ready) {
      readyLine.textContent = ready ? msg.msgReady : msg.msgNotReady;
      readyLine.dataset.ready = ready ? "1" : "0";
      readyLine.classList.toggle("is-ready", ready);
      if (ready) { return; }
      // Not all there yet: the copy is made again (once at a time) while the signal lasts.
      if (navigator.onLine && !renewing && window.opsiKeepCaptureCopy) {
        renewing = window.opsiKeepCaptureCopy(true).finally(function () { renewing = null; checkReady(); });
      }
      readyTimer = setTimeout(checkReady, 1000);
    });
  }
  function unlocked(result) {
    opened = result;
    applyConfig();
    show("unlocked");
    checkReady();
    document.querySelectorAll("form[data-offline-kind]").forEach(fresh);
    referFromDirectory();
    render();
  }
  // Offline, "Refer now" in the kept directory opens this page (the service worker's answer for
  // a page it does not keep): the referral form then comes first, with that service chosen.
  function referFromDirectory() {
    var form = document.querySelector("form[data-offline-kind=referral]");
    var wanted = new URLSearchParams(window.location.search).get("service");
    if (!form || !wanted || window.location.pathname === msg.captureUrl) { return; }
    var select = form.querySelector("[name=service]");
    if (select.querySelector("option[value='" + CSS.escape(wanted) + "']")) { select.value = wanted; }
    form.scrollIntoView({block: "start"});
    form.querySelector("[name=uic]").focus();
  }
  // Entries of the version before, sealed anew under this PIN, are listed and sent.
  function afterMove(moved) {
    return render().then(function () { if (moved && navigator.onLine) { sync(); } });
  }
  function start() {
    var online = navigator.onLine ? fetchWorker().catch(function () { return null; }) : Promise.resolve(null);
    Promise.all([queue.workers(), online]).then(function (found) {
      worker = found[1];
      if (found[0].length) { show("pin-enter"); pinNew.hidden = !worker; } else { show(worker ? "pin-set" : "pin-none"); }
      if (navigator.onLine) { sync(); }  // sending needs the login, not the PIN
    });
  }

  document.querySelector("[data-pin-set]").addEventListener("click", function () {
    var section = document.getElementById("pin-set");
    var pin = document.getElementById("pin-new").value, again = document.getElementById("pin-again").value;
    if (!/^\d{6,}$/.test(pin)) { return pinError(section, msg.msgPinShort); }
    if (pin !== again) { return pinError(section, msg.msgPinMismatch); }
    if (!worker) { return show("pin-none"); }
    pinError(section, "");
    // Two workers with one PIN would open each other's slot: the second chooses another. Her own
    // PIN chosen again opens her slot.
    queue.find(pin).then(function (hit) {
      if (hit && hit.config.user !== worker.user) { return pinError(section, msg.msgPinTaken); }
      var ready = hit ? queue.saveConfig(hit, configOf(worker)).then(function () { hit.config = configOf(worker); return hit; })
        : queue.addWorker(pin, configOf(worker));
      return ready.then(function (result) {
        document.getElementById("pin-new").value = document.getElementById("pin-again").value = "";
        unlocked(result);
        return queue.moveOld(pin, result, msg.sealKey).then(afterMove);
      });
    });
  });
  document.querySelector("[data-pin-enter]").addEventListener("click", function () {
    var section = document.getElementById("pin-enter");
    var input = document.getElementById("pin");
    var pin = input.value;
    queue.unlock(pin).then(function (result) {
      input.value = "";
      if (result.key) {
        pinError(section, "");
        // Online under her own login: her settings are renewed (a centre opened or closed).
        if (worker && worker.user === result.config.user) {
          result.config = configOf(worker);
          queue.saveConfig(result, result.config);
        }
        unlocked(result);
        return queue.moveOld(pin, result, msg.sealKey).then(afterMove);
      }
      if (result.locked) {
        show(worker ? "pin-set" : "pin-none");
        return pinError(document.getElementById(worker ? "pin-set" : "pin-none"), msg.msgLocked);
      }
      pinError(section, msg.msgPinWrong.replace("%(count)s", result.left));
    });
  });
  pinNew.addEventListener("click", function () { show("pin-set"); });

  // --- Filling a form: its fields are sealed for the server as they would be posted.
  function fresh(form) {
    form.reset();
    form.dataset.pristine = "1";  // nothing typed since: a second tap on "keep" keeps nothing
    clearProblems(form);
    form.querySelector("[name=submission_key]").value = crypto.randomUUID();
    // The copy of the page may be from another day: a new entry starts at today.
    var day = today();
    form.querySelectorAll("[name=visited_on], [name=held_on], [name=made_on]").forEach(function (el) { el.value = day; });
  }
  function fields(form) {
    var list = [];
    new FormData(form).forEach(function (value, name) { list.push([name, String(value)]); });
    return list;
  }
  function valueOf(list, name) {
    var hit = list.filter(function (f) { return f[0] === name; })[0];
    return hit ? hit[1] : "";
  }
  // --- What the server's form would refuse is refused here, at once, with its reason
  // (services/forms.py VisitForm, outreach/forms.py SessionForm): the worker is still there to
  // fix it, hours before the server sees it.
  function normalCode(text) { return (text || "").toUpperCase().replace(/[^A-Z0-9]/g, ""); }
  // members/uic.py: four letters, the gender digit, the birth date as DDMMYY (a real day).
  function codeProblem(code) {
    if (!code) { return msg.msgCodeMissing; }
    if (!/^[A-Z]{4}\d+$/.test(code)) { return null; }  // letters where digits go: a name, not a code
    if (code.length !== 11) { return msg.msgCodeLength.replace("%(count)s", code.length); }
    if (!CODE.test(code)) { return msg.msgCodeNotCode; }
    var d = Number(code.slice(5, 7)), m = Number(code.slice(7, 9)), y = 2000 + Number(code.slice(9, 11));
    var date = new Date(y, m - 1, d);
    if (date.getMonth() !== m - 1 || date.getDate() !== d) { return msg.msgCodeDate; }
    return "";
  }
  function today() {
    var now = new Date();
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }
  function labelOf(el) {
    var wrap = el.closest(".field, fieldset");
    var label = wrap && wrap.querySelector("legend, label");
    return label ? label.textContent.replace("*", "").trim() : "";
  }
  function problems(form) {
    var found = [];
    function add(el, text) { if (el && text) { found.push({el: el, text: text}); } }
    function dateProblem(el) {
      if (!el) { return; }
      if (!el.value) { return add(el, msg.msgRequired); }
      if (el.value > today()) { add(el, msg.msgFuture); }
    }
    if (form.dataset.offlineKind === "visit") {
      var code = form.querySelector("[name=walk_in_uic]");
      var text = normalCode(code.value);
      var problem = codeProblem(text);
      if (problem === null) { return []; }  // a name or an alias: said apart, never kept
      add(code, problem);
      var ticked = 0;
      form.querySelectorAll("input[name=services]").forEach(function (box) {
        var qty = form.querySelector("[name=qty_" + box.value + "]");
        var amount = qty ? Number(qty.value || 0) : 0;
        if (box.checked || amount) { ticked += 1; }
        if (qty && (box.checked || qty.value) && !(amount >= 1 && amount <= 10000 && Math.floor(amount) === amount)) {
          add(qty, msg.msgHowMany);
        }
      });
      var services = form.querySelector("input[name=services]");
      if (!ticked) { add(services, msg.msgNoService); }
      add(form.querySelector("[name=drop_in_centre]"), form.querySelector("[name=drop_in_centre]").value ? "" : msg.msgRequired);
      dateProblem(form.querySelector("[name=visited_on]"));
    } else if (form.dataset.offlineKind === "referral") {
      // services/referral_forms.py PartnerReferralForm: a code (never a name), a service, a branch, a day.
      var person = form.querySelector("[name=uic]");
      var personProblem = codeProblem(normalCode(person.value));
      if (personProblem === null) { return []; }
      add(person, personProblem);
      ["branch", "service"].forEach(function (name) {
        var el = form.querySelector("[name=" + name + "]");
        add(el, el.value ? "" : msg.msgRequired);
      });
      dateProblem(form.querySelector("[name=made_on]"));
    } else {
      add(form.querySelector("[name=branch]"), form.querySelector("[name=branch]").value ? "" : msg.msgRequired);
      dateProblem(form.querySelector("[name=held_on]"));
      ["place_kind", "area"].forEach(function (name) {
        var el = form.querySelector("[name=" + name + "]");
        if (el && el.required && !el.value.trim()) { add(el, msg.msgRequired); }
      });
      var items = Array.prototype.some.call(form.querySelectorAll("input[name^=qty_]"), function (q) { return Number(q.value || 0) > 0; });
      var centre = form.querySelector("[name=stock_centre]");
      if (items && centre && !centre.value) { add(centre, msg.msgStockCentre); }
    }
    return found;
  }
  function clearProblems(form) {
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var box = form.querySelector("[data-form-problems]");
    if (box) { box.remove(); }
  }
  function showProblems(form, found) {
    clearProblems(form);
    var box = document.createElement("div");
    box.className = "error-summary";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    box.dataset.formProblems = "";
    var head = document.createElement("p");
    head.textContent = msg.msgNotKeptFix;
    var list = document.createElement("ul");
    found.forEach(function (p) {
      p.el.setAttribute("aria-invalid", "true");
      var li = document.createElement("li");
      var name = labelOf(p.el);
      li.textContent = (name ? name + ": " : "") + p.text;
      list.appendChild(li);
    });
    box.appendChild(head);
    box.appendChild(list);
    form.insertBefore(box, form.firstChild);
    found[0].el.focus();
    box.scrollIntoView({block: "start"});
  }
  var lastKept = {};
  var DAY_FIELD = {visit: "visited_on", session: "held_on", referral: "made_on"};
  document.querySelectorAll("form[data-offline-kind]").forEach(function (form) {
    form.addEventListener("input", function () { delete form.dataset.pristine; });
    form.addEventListener("change", function () { delete form.dataset.pristine; });
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
      // A second tap on "keep" just after the first finds the form emptied and untouched: it
      // belongs to the entry just kept, and keeps nothing.
      if (form.dataset.pristine && Date.now() - (lastKept[form.dataset.offlineKind] || 0) < 3000) { return; }
      // Codes only: a name or an alias typed in a code box (people of a session, a walk-in's
      // code) is never kept on the phone, not even sealed.
      var bad = [];
      form.querySelectorAll("[name=people], [name=walk_in_uic], [name=uic]").forEach(function (box) {
        // A walk-in's code: letters where its digits go read as a name; a code one digit short
        // or with a wrong digit is said below, as a code.
        bad = bad.concat(box.value.split(/[,;\n]+/).map(function (t) { return t.trim(); })
          .filter(function (t) {
            var code = normalCode(t);
            return t && (box.name === "people" ? !CODE.test(code) : codeProblem(code) === null);
          }));
      });
      if (bad.length) { status.textContent = msg.msgCodesOnly.replace("%(entries)s", bad.join(", ")); return; }
      var found = problems(form);
      if (found.length) { status.textContent = ""; showProblems(form, found); return; }
      clearProblems(form);
      lastKept[form.dataset.offlineKind] = Date.now();
      var kind = form.dataset.offlineKind;
      var list = fields(form);
      if (kind === "session") { list.push(["workers", String(opened.config.user)]); }
      var entry = {worker: opened.config.user, kind: kind, fields: list};
      // The summary the PIN opens: what kind of entry, and its day. No code, place or number.
      var summary = {kind: kind, day: valueOf(list, DAY_FIELD[kind])};
      // The form is emptied at once, not after the phone has stored the entry: what is typed
      // next belongs to the next entry and is never wiped by a late reset. A second tap meanwhile
      // finds the button off and the form empty, so it keeps nothing twice.
      var submit = form.querySelector("button[type=submit]");
      fresh(form);
      submit.disabled = true;
      status.textContent = "";
      queue.keep(opened, msg.sealKey, entry, summary).then(function () {
        status.textContent = msg.msgQueued;
        return render().then(function () { if (navigator.onLine) { sync(); } });
      }, function () {
        fill(form, list);  // the phone would not store it: nothing typed is lost
        status.textContent = msg.msgNotKept;
      }).finally(function () { submit.disabled = false; });
    }, true);
  });

  // --- The list: the opened worker's entries by kind and day, what the server said of each
  // (a refused one can be fixed or discarded), and how many others wait sealed.
  // "2026-12-02" read as the page's language writes a day ("2 Des 2026").
  function day(value) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    if (!parts) { return value || ""; }
    var date = new Date(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
    return date.toLocaleDateString(document.documentElement.lang || undefined, {day: "numeric", month: "short", year: "numeric"});
  }
  function describe(summary) {
    var label = {visit: msg.msgVisit, session: msg.msgSession, referral: msg.msgReferral}[summary.kind];
    return label + " · " + day(summary.day);
  }
  function render() {
    if (!opened) { return Promise.resolve(); }
    return Promise.all([queue.notes(opened), queue.count()]).then(function (found) {
      var mine = found[0];
      var list = root.querySelector("[data-queue]");
      list.textContent = "";
      var shownIds = {};
      mine.forEach(function (n) { shownIds[n.id] = true; list.appendChild(item(n.id, n.summary)); });
      // Refused entries of this login kept under a slot no PIN opens any more (a locked page).
      Object.keys(answers).forEach(function (id) {
        if (!shownIds[id] && answers[id].summary) { shownIds[id] = true; list.appendChild(item(Number(id), answers[id].summary)); }
      });
      saved.forEach(function (summary) {
        var li = document.createElement("li");
        li.dataset.entryState = "saved";
        // A code that matched no member of the centre's branch: saved as a walk-in, said so, so
        // that a mistyped member's code is caught the same day.
        li.textContent = describe(summary) + " — " + msg.msgSaved
          + (summary.member ? " · " + msg.msgMember : "") + (summary.walkIn ? " · " + msg.msgWalkIn : "");
        if (summary.walkIn) { li.dataset.walkIn = ""; }
        list.appendChild(li);
      });
      var others = found[1] - Object.keys(shownIds).length;
      if (others > 0) {
        var li = document.createElement("li");
        li.dataset.entryState = "others";
        li.textContent = msg.msgOthers.replace("%(count)s", others);
        list.appendChild(li);
      }
      if (!list.children.length) {
        var none = document.createElement("li");
        none.textContent = msg.msgNothing;
        list.appendChild(none);
      }
    });
  }
  function item(id, summary) {
    var li = document.createElement("li");
    var answer = answers[id];
    var refused = answer && answer.reasons;
    li.dataset.entryState = refused ? "refused" : "waiting";
    li.textContent = describe(summary) + " — " + (refused ? msg.msgRefused + ": " + answer.reasons.join(" ") : msg.msgWaiting) + " ";
    if (refused) {
      if (answer.fields) { li.appendChild(button(msg.msgEdit, function () { edit(id, answer); })); }
      li.appendChild(button(msg.msgDiscard, function () { delete answers[id]; queue.remove(id).then(render); }));
    }
    return li;
  }
  function button(text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn-small";
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }
  // A refused entry goes back into its form (same submission key), with the fields the server
  // opened, and leaves the queue until it is kept (sealed) again.
  function fill(form, list) {
    form.reset();
    delete form.dataset.pristine;  // an entry back in its form: keeping it again is meant
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = false; });
    // Matched by walking the fields, not by a selector built from the typed value (a line
    // break or a backslash in it would make the selector invalid and lose the entry).
    var elements = Array.prototype.slice.call(form.elements);
    list.forEach(function (f) {
      var box = elements.filter(function (el) { return el.type === "checkbox" && el.name === f[0] && el.value === f[1]; })[0];
      if (box) { box.checked = true; return; }
      var el = elements.filter(function (e) { return e.name === f[0] && e.type !== "checkbox"; })[0];
      if (el) { el.value = f[1]; }
    });
  }
  function edit(id, answer) {
    var form = document.querySelector("form[data-offline-kind=" + answer.kind + "]");
    fill(form, answer.fields);
    delete answers[id];
    queue.remove(id).then(render).then(function () {
      var first = form.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
  }

  // --- Sending: every sealed entry on the phone, one at a time, to the server, which opens it
  // and sends it on to the ordinary form if it was kept by the logged-in worker.
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
  // The logged-in worker, or null when nobody is (the login page, however reached).
  function fetchWorker() {
    return fetchWithin(msg.workerUrl, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      if (atLogin(response)) { return null; }
      if (!response.ok) { throw new Error("unavailable"); }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) { return null; }
      return response.json();
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
  function send(item, csrf) {
    return fetchWithin(msg.sendUrl, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({sealed: item.seal}),
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        // A token the cookie no longer matches (a login in another tab), or a "try again" page.
        return {state: response.status === 403 ? "token" : "later"};
      }
      return response.json();
    });
  }
  function sync() {
    if (syncing) { again = true; return Promise.resolve(); }  // the signal came back mid-way: once more after
    syncing = true;
    root.dataset.syncing = "1";
    message.textContent = "";
    var sawOther = false;
    return fetchWorker().then(function (w) {
      if (!w) { return "login"; }
      worker = w;
      if (pinNew && !document.getElementById("pin-enter").hidden) { pinNew.hidden = false; }
      return queue.sealed().then(function (items) {
        return items.reduce(function (chain, it) {
          return chain.then(function (stop) {
            if (stop) { return stop; }
            return send(it, worker.csrf).then(function (answer) {
              if (answer.state !== "token") { return answer; }
              return fetchWorker().then(function (fresh) {
                if (!fresh) { return {state: "login"}; }
                worker = fresh;
                return send(it, worker.csrf);
              });
            }).then(function (answer) {
              var state = answer.state;
              if (state === "login" || state === "later") { return state; }
              if (state === "token") { return "later"; }
              if (state === "other") { sawOther = true; return; }
              var summary = answer.fields ? {kind: answer.kind, day: answer.day} : null;
              if (state === "saved") {
                delete answers[it.id];
                saved.push({kind: answer.kind, day: answer.day, member: !!answer.member, walkIn: !!answer.walk_in});
                return queue.remove(it.id);
              }
              var reasons = state === "refused" ? reasonsIn(answer.page)
                : state === "forbidden" ? [msg.msgNotAllowed]
                : state === "unreadable" ? [msg.msgUnreadable] : [msg.msgNotFound];
              answers[it.id] = {reasons: reasons, fields: answer.fields || null, kind: answer.kind, summary: summary};
            });
          });
        }, Promise.resolve());
      });
    }).catch(function () { return "later"; }).then(function (stop) {
      syncing = false;
      delete root.dataset.syncing;
      root.dataset.syncDone = String(Number(root.dataset.syncDone || 0) + 1);  // tests wait on it
      needsLogin = stop === "login";
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
      } else if (sawOther) {
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
