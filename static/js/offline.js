// Field capture offline, the part every page of a worker shares: the online/offline line
// with the number of entries waiting, the service worker, the copy of the capture page kept
// for offline use, the encrypted queue (window.opsiQueue) and its wipe on quick exit and
// logout. The capture page itself is capture.js.
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

  // --- The queue: IndexedDB holding only ciphertext (AES-GCM, key from the PIN by PBKDF2).
  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function openDb() {
    var req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = function () {
      var db = req.result;
      db.createObjectStore("meta");
      db.createObjectStore("entries", {keyPath: "id", autoIncrement: true});
    };
    return request(req);
  }
  function run(storeName, mode, work) {
    if (wiped) { return Promise.reject(new Error("wiped")); }
    return openDb().then(function (db) {
      var tx = db.transaction(storeName, mode);
      var result = work(tx.objectStore(storeName));
      return new Promise(function (resolve, reject) {
        tx.oncomplete = function () { db.close(); resolve(result instanceof IDBRequest ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  var ITERATIONS = 600000;
  var enc = new TextEncoder();
  function deriveKey(pin, salt) {
    return crypto.subtle.importKey("raw", enc.encode(pin), "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return crypto.subtle.deriveKey({name: "PBKDF2", salt: salt, iterations: ITERATIONS, hash: "SHA-256"},
        base, {name: "AES-GCM", length: 256}, false, ["encrypt", "decrypt"]);
    });
  }
  function seal(key, value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    return crypto.subtle.encrypt({name: "AES-GCM", iv: iv}, key, enc.encode(JSON.stringify(value)))
      .then(function (data) { return {iv: iv, data: new Uint8Array(data)}; });
  }
  function open(key, box) {
    return crypto.subtle.decrypt({name: "AES-GCM", iv: box.iv}, key, box.data)
      .then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }
  var queue = {
    MAX_TRIES: 5,
    lock: function () {
      return wiped ? Promise.resolve(undefined) : run("meta", "readonly", function (s) { return s.get("lock"); });
    },
    // A new PIN: a random salt and a sealed check value, so a wrong PIN is told from a right one.
    // The user who sets it owns the queue: it is sent only under her login.
    setPin: function (pin, user) {
      wiped = false;
      var salt = crypto.getRandomValues(new Uint8Array(16));
      return deriveKey(pin, salt).then(function (key) {
        return seal(key, "opsi").then(function (check) {
          return run("meta", "readwrite", function (s) { s.put({salt: salt, check: check, failures: 0, user: user}, "lock"); })
            .then(function () { return key; });
        });
      });
    },
    // The key for the PIN, or null after a wrong one; the N-th wrong PIN wipes the queue.
    unlock: function (pin) {
      return queue.lock().then(function (lock) {
        return deriveKey(pin, lock.salt).then(function (key) {
          return open(key, lock.check).then(function () {
            lock.failures = 0;
            return run("meta", "readwrite", function (s) { s.put(lock, "lock"); }).then(function () { return {key: key}; });
          }, function () {
            lock.failures = (lock.failures || 0) + 1;
            if (lock.failures >= queue.MAX_TRIES) { return queue.wipe().then(function () { return {wiped: true}; }); }
            return run("meta", "readwrite", function (s) { s.put(lock, "lock"); })
              .then(function () { return {left: queue.MAX_TRIES - lock.failures}; });
          });
        });
      });
    },
    add: function (key, entry) {
      return seal(key, entry).then(function (box) {
        return run("entries", "readwrite", function (s) { return s.add(box); });
      }).then(function (id) { refresh(); return id; });
    },
    replace: function (key, id, entry) {
      return seal(key, entry).then(function (box) {
        box.id = id;
        return run("entries", "readwrite", function (s) { s.put(box); });
      });
    },
    remove: function (id) { return run("entries", "readwrite", function (s) { s.delete(id); }).then(refresh); },
    all: function (key) {
      return run("entries", "readonly", function (s) { return s.getAll(); }).then(function (boxes) {
        return Promise.all(boxes.map(function (box) {
          return open(key, box).then(function (entry) { entry.id = box.id; return entry; });
        }));
      });
    },
    count: function () { return wiped ? Promise.resolve(0) : run("entries", "readonly", function (s) { return s.count(); }); },
    // The queue, the PIN's check value and every cached page go; the app asks for a new PIN.
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
    var url = state.dataset.capture;
    return fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      if (!response.ok || response.redirected) { return; }  // logged out: keep the last good copy
      return response.clone().text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var files = [];
        page.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=icon][href]").forEach(function (el) {
          files.push(el.getAttribute("src") || el.getAttribute("href"));
        });
        return caches.open(CACHE).then(function (cache) {
          return cache.put(url, response).then(function () { return cache.addAll(files); });
        });
      }).then(function () { localStorage.setItem("opsi-capture-cached", String(Date.now())); });
    }).catch(function () {});
  }
  window.opsiKeepCaptureCopy = keepCaptureCopy;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
  }
  keepCaptureCopy(false);

  // --- Quick exit and logout wipe the queue and the caches first (also with no signal,
  // when the server's Clear-Site-Data cannot arrive).
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
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[action$='/logout/']") || form.dataset.wiped) { return; }
    event.preventDefault();
    event.stopPropagation();
    form.dataset.wiped = "1";
    localStorage.removeItem("opsi-capture-cached");
    wipeThen(function () { form.submit(); });
  }, true);
})();
