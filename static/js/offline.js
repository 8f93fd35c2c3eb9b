// Field capture offline, the part every page of a worker shares: the online/offline line
// with the number of entries waiting, the service worker, the copy of the capture page kept
// for offline use, the sealed queue (window.opsiQueue) and its wipe on quick exit. The capture
// page itself is capture.js.
(function () {
  var DB_NAME = "opsi-offline";
  var wiped = false;  // after a wipe nothing opens (and so re-creates) the database until a new PIN is set
  var CACHE = "opsi-capture";
  var REFRESH_MS = 10 * 60 * 1000;  // the cached capture page (catalogue, centres) is renewed this often
  var state = document.getElementById("offline-state");
  // A quick exit pressed with no signal could not reach the server, so the session lived on:
  // the first page opened with signal finishes it (logout, Clear-Site-Data) before anything shows.
  var EXIT_PENDING = "opsi-exit-pending";
  if (localStorage.getItem(EXIT_PENDING) && navigator.onLine) {
    localStorage.removeItem(EXIT_PENDING);
    document.documentElement.hidden = true;
    window.location.replace("/exit/");
    return;
  }
  if (!state) { return; }

  // --- The queue, in IndexedDB. Each entry is sealed to the server's public key (ECDH P-256 with
  // a key pair made for that entry alone, HKDF-SHA-256, AES-GCM; fieldwork/sealing.py opens it):
  // nothing on the phone can open it again, whatever the PIN. Beside it a summary (kind and day)
  // encrypted under the worker's PIN (PBKDF2), as are her settings (her number, centres and
  // branches). Each worker who sets a PIN on the phone has her own slot; wrong PINs lock the page
  // and forget every slot, never an entry: the entries wait for their worker's login.
  var DB_VERSION = 2;
  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function openDb() {
    var req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = function () {
      var db = req.result;
      // Version 1 kept "lock" in meta and the entries under the PIN alone in "entries": they stay
      // until their worker's PIN moves them over (moveOld).
      if (!db.objectStoreNames.contains("meta")) { db.createObjectStore("meta"); }
      db.createObjectStore("workers", {keyPath: "slot"});
      db.createObjectStore("sealed", {keyPath: "id", autoIncrement: true});
    };
    return request(req);
  }
  function run(storeNames, mode, work) {
    if (wiped) { return Promise.reject(new Error("wiped")); }
    return openDb().then(function (db) {
      var names = [].concat(storeNames).filter(function (n) { return db.objectStoreNames.contains(n); });
      if (!names.length) { db.close(); return undefined; }
      var tx = db.transaction(names, mode);
      var result = work(function (name) { return names.indexOf(name) >= 0 ? tx.objectStore(name) : null; });
      return new Promise(function (resolve, reject) {
        tx.oncomplete = function () { db.close(); resolve(result instanceof IDBRequest ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function text(bytes) {
    var s = "";
    bytes.forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function bytes(b64) {
    var s = atob(b64.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(s, function (c) { return c.charCodeAt(0); });
  }
  var ITERATIONS = 600000;
  var enc = new TextEncoder();
  function deriveKey(pin, salt) {
    return crypto.subtle.importKey("raw", enc.encode(pin), "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return crypto.subtle.deriveKey({name: "PBKDF2", salt: salt, iterations: ITERATIONS, hash: "SHA-256"},
        base, {name: "AES-GCM", length: 256}, false, ["encrypt", "decrypt"]);
    });
  }
  function box(key, value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    return crypto.subtle.encrypt({name: "AES-GCM", iv: iv}, key, enc.encode(JSON.stringify(value)))
      .then(function (data) { return {iv: iv, data: new Uint8Array(data)}; });
  }
  function unbox(key, b) {
    return crypto.subtle.decrypt({name: "AES-GCM", iv: b.iv}, key, b.data)
      .then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }
  // Sealed to the server: the entry's own private key is never stored (not extractable, dropped).
  function sealFor(serverKeyText, entry) {
    var curve = {name: "ECDH", namedCurve: "P-256"};
    return Promise.all([
      crypto.subtle.importKey("raw", bytes(serverKeyText), curve, false, []),
      crypto.subtle.generateKey(curve, false, ["deriveBits"]),
    ]).then(function (keys) {
      return Promise.all([
        crypto.subtle.exportKey("raw", keys[1].publicKey),
        crypto.subtle.deriveBits({name: "ECDH", public: keys[0]}, keys[1].privateKey, 256),
      ]);
    }).then(function (parts) {
      var own = new Uint8Array(parts[0]);
      return crypto.subtle.importKey("raw", parts[1], "HKDF", false, ["deriveKey"]).then(function (base) {
        return crypto.subtle.deriveKey({name: "HKDF", hash: "SHA-256", salt: own, info: enc.encode("opsi offline entry v1")},
          base, {name: "AES-GCM", length: 256}, false, ["encrypt"]);
      }).then(function (key) {
        var iv = crypto.getRandomValues(new Uint8Array(12));
        return crypto.subtle.encrypt({name: "AES-GCM", iv: iv}, key, enc.encode(JSON.stringify(entry))).then(function (data) {
          return {v: 1, key: text(own), iv: text(iv), data: text(new Uint8Array(data))};
        });
      });
    });
  }
  function all(store) { return run(store, "readonly", function (s) { return s(store).getAll(); }).then(function (r) { return r || []; }); }
  var queue = {
    MAX_TRIES: 5,
    workers: function () { return wiped ? Promise.resolve([]) : all("workers"); },
    // A worker's slot: a random salt, a check value telling a right PIN from a wrong one, and her
    // settings, all under the key from her PIN.
    addWorker: function (pin, config) {
      wiped = false;
      var salt = crypto.getRandomValues(new Uint8Array(16));
      var slot = text(crypto.getRandomValues(new Uint8Array(9)));
      return deriveKey(pin, salt).then(function (key) {
        return Promise.all([box(key, "opsi"), box(key, config)]).then(function (boxes) {
          return run("workers", "readwrite", function (s) { s("workers").put({slot: slot, salt: salt, check: boxes[0], config: boxes[1]}); })
            .then(function () { return {key: key, slot: slot, config: config}; });
        });
      });
    },
    saveConfig: function (opened, config) {
      return box(opened.key, config).then(function (b) {
        return run("workers", "readwrite", function (s) {
          var store = s("workers");
          var get = store.get(opened.slot);
          get.onsuccess = function () { if (get.result) { get.result.config = b; store.put(get.result); } };
        });
      });
    },
    // The slot this PIN opens ({key, slot, config}), else the tries left; the N-th wrong PIN in a
    // row locks the page: every slot is forgotten (settings and summaries become unreadable for
    // good), the sealed entries stay to be sent under their worker's login.
    // The slot this PIN opens, or null; no try is counted.
    find: function (pin) {
      return queue.workers().then(function (slots) {
        return slots.reduce(function (found, w) {
          return found.then(function (hit) {
            if (hit) { return hit; }
            return deriveKey(pin, w.salt).then(function (key) {
              return unbox(key, w.check).then(function () {
                return unbox(key, w.config).then(function (config) { return {key: key, slot: w.slot, config: config}; });
              }, function () { return null; });
            });
          });
        }, Promise.resolve(null));
      });
    },
    unlock: function (pin) {
      return queue.find(pin).then(function (hit) {
        return run("meta", "readwrite", function (s) {
          var store = s("meta");
          if (hit) { store.put(0, "failures"); return; }
          var get = store.get("failures");
          get.onsuccess = function () {
            var failures = (get.result || 0) + 1;
            store.put(failures >= queue.MAX_TRIES ? 0 : failures, "failures");
            hit = failures >= queue.MAX_TRIES ? {locked: true} : {left: queue.MAX_TRIES - failures};
          };
        }).then(function () {
          if (!hit.locked) { return hit; }
          return run("workers", "readwrite", function (s) { s("workers").clear(); }).then(function () { refresh(); return hit; });
        });
      });
    },
    keep: function (opened, serverKey, entry, summary) {
      return Promise.all([sealFor(serverKey, entry), box(opened.key, summary)]).then(function (parts) {
        return run("sealed", "readwrite", function (s) { return s("sealed").add({slot: opened.slot, seal: parts[0], note: parts[1]}); });
      }).then(function (id) { refresh(); return id; });
    },
    sealed: function () { return wiped ? Promise.resolve([]) : all("sealed"); },
    // The summaries of the opened slot's entries: [{id, summary}].
    notes: function (opened) {
      return queue.sealed().then(function (items) {
        return Promise.all(items.filter(function (i) { return i.slot === opened.slot; }).map(function (i) {
          return unbox(opened.key, i.note).then(function (summary) { return {id: i.id, summary: summary}; });
        }));
      });
    },
    remove: function (id) { return run("sealed", "readwrite", function (s) { s("sealed").delete(id); }).then(refresh); },
    count: function () {
      if (wiped) { return Promise.resolve(0); }
      return run(["sealed", "entries"], "readonly", function (s) {
        return [s("sealed").count(), s("entries") ? s("entries").count() : null];
      }).then(function (r) { return r[0].result + (r[1] ? r[1].result : 0); });
    },
    // Entries of version 1 (under the PIN alone) are sealed anew once their worker's PIN opens
    // them, and their old copies go.
    moveOld: function (pin, opened, serverKey) {
      return run("meta", "readonly", function (s) { return s("meta").get("lock"); }).then(function (lock) {
        if (!lock) { return false; }
        return deriveKey(pin, lock.salt).then(function (key) {
          return unbox(key, lock.check).then(function () {
            return all("entries").then(function (old) {
              return Promise.all(old.map(function (b) { return unbox(key, b); })).then(function (entries) {
                return entries.reduce(function (chain, e) {
                  var day = e.fields.filter(function (f) { return f[0] === "visited_on" || f[0] === "held_on"; })[0];
                  return chain.then(function () {
                    return queue.keep(opened, serverKey, {worker: Number(lock.user), kind: e.kind, fields: e.fields},
                      {kind: e.kind, day: day ? day[1] : ""});
                  });
                }, Promise.resolve());
              });
            }).then(function () {
              return run(["meta", "entries"], "readwrite", function (s) { s("meta").delete("lock"); s("entries").clear(); });
            }).then(function () { return true; });
          }, function () { return false; });  // another worker's PIN: her old entries wait for her
        });
      }).then(function (moved) { refresh(); return moved; });
    },
    // The quick exit: every entry, slot and cached page goes.
    wipe: function () {
      wiped = true;
      var dropped = new Promise(function (resolve) {
        var req = indexedDB.deleteDatabase(DB_NAME);
        req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
      });
      var uncached = window.caches ? caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }) : Promise.resolve();
      return Promise.all([dropped, uncached]).then(refresh, refresh);
    }
  };
  window.opsiQueue = queue;

  // --- The line on every page: online or offline, and how many entries wait.
  var line = state.querySelector("[data-state-line]");
  document.body.classList.add("has-offline-state");  // a strip fixed at the bottom, on every page
  function refresh() {
    return queue.count().catch(function () { return 0; }).then(function (count) {
      var text = navigator.onLine ? state.dataset.online : state.dataset.offline;
      line.textContent = text + " · " + state.dataset.waiting.replace("%(count)s", count);
      state.classList.toggle("is-offline", !navigator.onLine);
      state.dataset.count = String(count);
      state.hidden = false;
    });
  }
  window.addEventListener("online", refresh);
  window.addEventListener("offline", refresh);
  refresh();

  // --- Installable and usable offline: the worker, and a fresh copy of the capture page and
  // its files (catalogue, centres, topics) while online.
  function keepCaptureCopy(force) {
    if (!navigator.onLine || !window.caches) { return Promise.resolve(); }
    var last = Number(localStorage.getItem("opsi-capture-cached") || 0);
    if (!force && Date.now() - last < REFRESH_MS) { return Promise.resolve(); }
    // The capture page, then the pages kept beside it that name no person (the partners'
    // directory), each with its files.
    var urls = [state.dataset.capture].concat((state.dataset.kept || "").split(" ").filter(Boolean));
    return urls.reduce(function (chain, url) {
      return chain.then(function (ok) { return keepPage(url).then(function (kept) { return ok && kept; }); });
    }, Promise.resolve(true)).then(function (ok) {
      if (ok) { localStorage.setItem("opsi-capture-cached", String(Date.now())); }
    }).catch(function () {});
  }
  function keepPage(url) {
    return fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      if (!response.ok || response.redirected) { return false; }  // logged out: keep the last good copy
      return response.clone().text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var files = [];
        page.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=icon][href]").forEach(function (el) {
          files.push(el.getAttribute("src") || el.getAttribute("href"));
        });
        // Its files first, the page last: a page kept without its CSS and JS would open
        // offline without its PIN field.
        return caches.open(CACHE).then(function (cache) {
          return cache.addAll(files).then(function () { return cache.put(url, response); });
        });
      }).then(function () { return true; });
    });
  }
  window.opsiKeepCaptureCopy = keepCaptureCopy;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
  }
  keepCaptureCopy(false);

  // --- "Log out" with entries waiting asks first: how many wait, that they stay sealed on the
  // phone for the next login, and a way to stay and send them. The quick exit never asks.
  var leaving = false;
  function askBeforeLogout(form, count) {
    var dialog = document.createElement("dialog");
    dialog.className = "logout-ask";
    dialog.setAttribute("aria-labelledby", "logout-ask-title");
    var title = document.createElement("h2");
    title.id = "logout-ask-title";
    title.textContent = state.dataset.logoutWaiting.replace("%(count)s", count);
    var kept = document.createElement("p");
    kept.textContent = state.dataset.logoutKept;
    var stay = document.createElement("button");
    stay.type = "button";
    stay.className = "btn";
    stay.dataset.logoutStay = "";
    stay.textContent = state.dataset.logoutStay;
    var go = document.createElement("button");
    go.type = "button";
    go.className = "btn-small";
    go.dataset.logoutAnyway = "";
    go.textContent = state.dataset.logoutAnyway;
    stay.addEventListener("click", function () {
      dialog.close();
      dialog.remove();
      if (window.opsiSync) { window.opsiSync(); } else { window.location.assign(state.dataset.capture); }
    });
    go.addEventListener("click", function () {
      dialog.close();
      leaving = true;
      HTMLFormElement.prototype.submit.call(form);
    });
    dialog.addEventListener("cancel", function () { dialog.remove(); });
    [title, kept, stay, go].forEach(function (el) { dialog.appendChild(el); });
    document.body.appendChild(dialog);
    dialog.showModal();
    stay.focus();
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (leaving || !state.dataset.logout || form.getAttribute("action") !== state.dataset.logout) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    queue.count().catch(function () { return 0; }).then(function (count) {
      if (!count) { leaving = true; HTMLFormElement.prototype.submit.call(form); return; }
      askBeforeLogout(form, count);
    });
  }, true);

  // --- The quick exit wipes the queue and the caches first (also with no signal, when the
  // server's Clear-Site-Data cannot arrive). Logging out keeps them: the entries are sealed and
  // the rest is under the PINs, and they wait for their worker's next login.
  function wipeThen(go) {
    var done = false;
    function once() { if (!done) { done = true; go(); } }
    queue.wipe().then(once, once);
    setTimeout(once, 1500);  // never hold the exit up
  }
  window.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.exit");
    if (!link) { return; }
    // Before anything else: the login's page key (page.js does it too, on pages without this file).
    document.cookie = "pagekey=; Max-Age=0; path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    localStorage.removeItem("opsi-capture-cached");
    if (navigator.onLine) {
      // The wipe starts here and the server's Clear-Site-Data finishes it: no waiting.
      queue.wipe();
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    localStorage.setItem(EXIT_PENDING, "1");
    wipeThen(function () { window.location.replace(link.href); });
  }, true);
})();
