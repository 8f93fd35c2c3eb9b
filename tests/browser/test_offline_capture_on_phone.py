"""A worker in airplane mode: visits and an outreach session filled on the phone, kept
encrypted under a PIN, sent when the signal is back, once."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from outreach.models import OutreachSession
from services.models import ServiceType, Visit
from tests.browser.pages import log_in, screenshot
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIN = "246810"
CODES = ["SIBU2150390", "DEAG3010195", "NUAN2240788"]
# Everything the site keeps in the browser, as a copy of the phone's storage would give it:
# every IndexedDB record (bytes read as text), localStorage, and every response in Cache Storage.
DUMP = """async () => {
  const text = (v) => v instanceof Uint8Array || v instanceof ArrayBuffer
    ? new TextDecoder("latin1").decode(v) : (v && typeof v === "object"
      ? Object.keys(v).sort().map((k) => k + ":" + text(v[k])).join(" ") : String(v));
  const idb = {};
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok) => { const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); });
    for (const store of db.objectStoreNames) {
      idb[info.name + "/" + store] = await new Promise((ok) => {
        const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result.map(text)); });
    }
    db.close();
  }
  const local = Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)]));
  const cached = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const req of await cache.keys()) { cached[new URL(req.url).pathname] = await (await cache.match(req)).text(); }
  }
  return {idb, local, cached};
}"""

# What someone holding a copy of the storage and the right PIN reads: every record the PIN's key
# opens, under each worker's salt, in any store (PBKDF2-SHA-256, 600,000 rounds, as offline.js).
READ_WITH_PIN = """async (pin) => {
  const all = async (db, store) => db.objectStoreNames.contains(store) ? await new Promise((ok) => {
    const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); }) : [];
  const db = await new Promise((ok) => { const r = indexedDB.open("opsi-offline"); r.onsuccess = () => ok(r.result); });
  const records = [...await all(db, "workers"), ...await all(db, "sealed"), ...await all(db, "entries"), ...await all(db, "meta")];
  db.close();
  const salts = records.map((r) => r && r.salt).filter(Boolean);
  const boxes = [];
  const walk = (v) => { if (v && typeof v === "object") { if (v.iv && v.data) { boxes.push(v); } Object.values(v).forEach(walk); } };
  records.forEach(walk);
  const read = [];
  for (const salt of salts) {
    const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"]);
    const key = await crypto.subtle.deriveKey({name: "PBKDF2", salt, iterations: 600000, hash: "SHA-256"},
      base, {name: "AES-GCM", length: 256}, false, ["decrypt"]);
    for (const box of boxes) {
      const b = (x) => typeof x === "string" ? Uint8Array.from(atob(x.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)) : x;
      try { read.push(new TextDecoder().decode(await crypto.subtle.decrypt({name: "AES-GCM", iv: b(box.iv)}, key, b(box.data)))); }
      catch (e) { /* not under this PIN */ }
    }
  }
  return read;
}"""

SEALED_COUNT = """() => new Promise((resolve) => {
  const open = indexedDB.open("opsi-offline");
  open.onsuccess = () => { const db = open.result;
    if (!db.objectStoreNames.contains("sealed")) { db.close(); return resolve(0); }
    const r = db.transaction("sealed").objectStore("sealed").count();
    r.onsuccess = () => { db.close(); resolve(r.result); }; };
})"""


def _stored_text(page):
    """The dump, and the text of every record of IndexedDB and localStorage (the cached pages
    are the same for every worker and are looked at apart)."""
    dump = page.evaluate(DUMP)
    values = [v for records in dump["idb"].values() for v in records]
    return dump, "\n".join(values + list(dump["local"].values()))


def _open_capture(page, live_server, user):
    log_in(page, live_server, user)
    page.goto(live_server.url + "/offline/")
    # evaluate() has no timeout of its own: a service worker that never gets ready fails the test
    # here, saying so, instead of holding the whole run.
    page.evaluate("""() => Promise.race([
        navigator.serviceWorker.ready.then(() => window.opsiKeepCaptureCopy(true)),
        new Promise((_, fail) => setTimeout(() => fail(new Error("service worker not ready in 20 s")), 20000)),
    ])""")


def _set_pin(page):
    page.locator("#pin-new").fill(PIN)
    page.locator("#pin-again").fill(PIN)
    page.locator("[data-pin-set]").click()
    page.wait_for_selector("#unlocked:not([hidden])")
    page.wait_for_selector("#capture[data-sync-done]", state="attached")  # the first look at the queue is over


def _unlock(page, pin=PIN):
    page.locator("#pin").fill(pin)
    page.locator("[data-pin-enter]").click()


def _keep_visit(page, code, *, condoms=None):
    form = page.locator("form[data-offline-kind=visit]")
    form.locator("#visit_walk_in_uic").fill(code)
    form.get_by_label("Konseling").check()
    if condoms:
        form.locator("input[name^=qty_]").first.fill(str(condoms))
    before = _waiting(page)
    form.locator("button[type=submit]").click()
    # Kept: one more waiting (or, online, already on its way) and the form empty for the next one.
    page.wait_for_function(
        "(before) => document.querySelector('form[data-offline-kind=visit] [data-form-status]')"
        ".textContent !== '' || Number(document.querySelector('#offline-state').dataset.count) > before",
        arg=before,
    )


def _wait_until_sent(page, timeout=60_000):
    """Wait for an empty queue; if it never empties, fail saying what the page shows."""
    try:
        page.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '0'", timeout=timeout)
    except PlaywrightTimeout:
        shown = page.evaluate("""() => ({queue: (document.querySelector('[data-queue]') || {}).innerText,
          message: (document.querySelector('[data-sync-message]') || {}).innerText, online: navigator.onLine,
          syncing: document.getElementById('capture').dataset.syncing, syncs: document.getElementById('capture').dataset.syncDone})""")
        pytest.fail(f"the queue was not sent within {timeout} ms: {shown}")


def _waiting(page):
    return int(page.locator("#offline-state").get_attribute("data-count"))


@pytest.fixture
def capture(live_server, phone, ayu, jakarta_dic, catalogue):
    """Ayu's phone on the capture page, online, her usual centre the Jakarta one."""
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    _open_capture(phone, live_server, ayu)
    return phone


@pytest.fixture
def unlocked(capture):
    """The same, with a PIN set: the queue is open."""
    _set_pin(capture)
    return capture


def test_three_visits_and_a_session_kept_offline_reach_the_server_once(
    live_server, phone, ayu, jakarta_dic, catalogue, stocked
):
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    mawar = MemberFactory(branch=jakarta_dic.branch, alias="Mawar", uic="MAWA2010195")
    context = phone.context
    _open_capture(phone, live_server, ayu)
    _set_pin(phone)

    context.set_offline(True)
    _keep_visit(phone, CODES[0], condoms=10)
    _keep_visit(phone, CODES[1])
    _keep_visit(phone, CODES[2])
    session = phone.locator("form[data-offline-kind=session]")
    session.locator("#session_place_kind").select_option("hotspot")
    session.locator("#session_area").fill("Taman Lawang")
    session.locator("#session_people").fill("MAWA2010195, DEAG3010195")
    session.locator("#session_new_contacts").fill("3")
    session.locator("input[name=topics][value=hiv_sti]").check()
    session.locator(f"#session_qty_{catalogue['condom_item'].pk}").fill("30")
    session.locator("#session_stock_centre").select_option(str(jakarta_dic.pk))
    session.locator("button[type=submit]").click()
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '4'")

    # Still offline, the visit form's address opens the capture page (the service worker's
    # copy), again after a reload, and says what waits.
    phone.goto(live_server.url + "/visits/new/")
    phone.reload()
    assert phone.locator("#capture").count() == 1
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '4'")
    assert "4" in phone.locator("#offline-state").inner_text()
    assert phone.locator("#offline-state").get_attribute("class").endswith("is-offline")
    # What the phone holds is sealed: no code, no area, no count in clear, and none with the PIN.
    dump, stored = _stored_text(phone)
    assert len(dump["idb"]["opsi-offline/sealed"]) == 4
    for secret in CODES + ["MAWA2010195", "Taman", "hotspot", "walk_in"]:
        assert secret not in stored
    read = "\n".join(phone.evaluate(READ_WITH_PIN, PIN))
    assert "visit" in read  # the PIN opens the summaries ...
    for secret in CODES + ["MAWA2010195", "Taman", "hotspot", "walk_in"]:
        assert secret not in read  # ... which hold no code, place or free text (her centres, yes)
    _unlock(phone)
    phone.wait_for_selector("#unlocked:not([hidden])")
    assert phone.locator("[data-queue] li[data-entry-state=waiting]").count() == 4
    assert phone.locator("#pin-enter").is_hidden() and phone.locator("#pin-set").is_hidden()
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, "offline-capture")
    assert Visit.objects.count() == 0

    # The signal comes back: the queue is sent by itself, one entry at a time.
    context.set_offline(False)
    _wait_until_sent(phone)
    assert sorted(Visit.objects.values_list("uic", flat=True)) == sorted(CODES)
    assert all(
        v.member is None and v.drop_in_centre == jakarta_dic and v.recorded_by == ayu for v in Visit.objects.all()
    )
    assert Visit.objects.get(uic=CODES[0]).service_lines.get(service_type=catalogue["condoms"]).quantity == 10
    saved = OutreachSession.objects.get()
    assert saved.area == "Taman Lawang" and saved.new_contacts == 3 and saved.recorded_by == ayu
    assert {(c.member, c.uic) for c in saved.contacts.all()} == {(mawar, "MAWA2010195"), (None, "DEAG3010195")}
    assert phone.locator("[data-queue] li[data-entry-state=saved]").count() == 4


def test_a_double_sync_makes_no_duplicates(phone, unlocked):
    phone.context.set_offline(True)
    for code in CODES:
        _keep_visit(phone, code)
    # Keep the sealed entries aside, send them, put them back and send them again (a sync
    # that was cut before the phone heard the answer, or a second tab).
    phone.evaluate("""() => new Promise((resolve) => {
      const open = indexedDB.open("opsi-offline");
      open.onsuccess = () => { const get = open.result.transaction("sealed").objectStore("sealed").getAll();
        get.onsuccess = () => { window.kept = get.result; open.result.close(); resolve(); }; };
    })""")
    phone.context.set_offline(False)
    _wait_until_sent(phone)
    assert Visit.objects.count() == 3
    phone.evaluate("""() => new Promise((resolve) => {
      const open = indexedDB.open("opsi-offline");
      open.onsuccess = () => { const tx = open.result.transaction("sealed", "readwrite");
        window.kept.forEach((box) => tx.objectStore("sealed").put(box));
        tx.oncomplete = () => { open.result.close(); resolve(); }; };
    })""")
    phone.evaluate("window.opsiSync()")
    _wait_until_sent(phone)
    assert Visit.objects.count() == 3


def test_a_send_lost_on_a_weak_signal_is_tried_again_by_itself(phone, unlocked):
    """The phone says "online" but the first send dies on the way (a weak signal) and the next
    finds the database refusing writes: no new "online" event will come, so the page tries
    again by itself until the queue is empty, and never shows the entry as refused."""
    phone.context.set_offline(True)
    _keep_visit(phone, CODES[0])
    lost = []

    def weak_signal(route):
        if len(lost) == 0:
            lost.append(route.request.url)
            route.abort("internetdisconnected")
        elif len(lost) == 1:  # then the database refuses the write for a moment (a deadlock, a restart)
            lost.append(route.request.url)
            route.fulfill(status=503, headers={"Retry-After": "5"}, json={"state": "later"})
        else:
            route.continue_()

    phone.route("**/offline/send/**", weak_signal)
    phone.context.set_offline(False)
    _wait_until_sent(phone)
    assert len(lost) == 2
    assert Visit.objects.filter(uic=CODES[0]).count() == 1
    assert phone.locator("[data-queue] li[data-entry-state=refused]").count() == 0


def test_a_hurried_worker_keeps_each_entry_whole_and_a_double_tap_keeps_one(phone, unlocked):
    """The next code typed the moment "save" is pressed belongs to the next entry (never wiped by
    the first one's reset), and a double tap on "save" keeps one entry."""
    phone.context.set_offline(True)
    form = phone.locator("form[data-offline-kind=visit]")
    form.locator("#visit_walk_in_uic").fill(CODES[0])
    form.get_by_label("Konseling").check()
    form.locator("button[type=submit]").evaluate("b => { b.click(); b.click(); }")
    form.locator("#visit_walk_in_uic").fill(CODES[1])
    form.get_by_label("Konseling").check()
    form.locator("button[type=submit]").click()
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '2'")
    phone.wait_for_timeout(500)  # a third entry, were one kept, would be counted by now
    assert _waiting(phone) == 2
    assert phone.locator("[data-queue] li[data-entry-state=waiting]").count() == 2
    phone.context.set_offline(False)
    _wait_until_sent(phone)
    assert sorted(Visit.objects.values_list("uic", flat=True)) == sorted(CODES[:2])


def test_an_entry_the_server_forbids_says_why_in_words_not_a_status_number(phone, unlocked):
    phone.context.set_offline(True)
    _keep_visit(phone, CODES[0])
    phone.route("**/offline/send/**", lambda route: route.fulfill(status=403, json={"state": "forbidden"}))
    phone.context.set_offline(False)
    refused = phone.locator("[data-queue] li[data-entry-state=refused]")
    refused.wait_for(timeout=30_000)
    text = refused.inner_text()
    assert "tidak boleh mencatat" in text and "403" not in text


def test_five_wrong_pins_lock_the_page_and_leave_the_sealed_entries(phone, unlocked):
    phone.context.set_offline(True)
    _keep_visit(phone, CODES[0])
    phone.reload()
    for tries_left in (4, 3, 2, 1):
        _unlock(phone, "135790")
        phone.wait_for_function(
            f"() => document.querySelector('#pin-enter [data-pin-error]').textContent.includes('{tries_left}')"
        )
        assert phone.locator("#unlocked").is_hidden()
    assert phone.evaluate(READ_WITH_PIN, "135790") == []  # a wrong PIN opens nothing
    _unlock(phone, "135790")
    phone.wait_for_selector("#pin-none:not([hidden])")  # offline: a new PIN needs a login
    assert "terkunci" in phone.locator("#pin-none").inner_text()
    assert phone.evaluate(READ_WITH_PIN, PIN) == []  # the PINs are forgotten: the right one opens nothing now
    assert phone.evaluate(SEALED_COUNT) == 1 and _waiting(phone) == 1  # the entry waits for its worker
    phone.context.set_offline(False)
    phone.reload()
    _wait_until_sent(phone)  # her login is still there: sent without any PIN
    assert list(Visit.objects.values_list("uic", flat=True)) == [CODES[0]]


def test_quick_exit_with_no_signal_empties_the_queue_and_the_caches(phone, unlocked, live_server):
    assert phone.evaluate("caches.keys()") == ["opsi-capture"]
    phone.context.set_offline(True)
    _keep_visit(phone, CODES[0])
    with phone.expect_event(
        "requestfailed", lambda request: "/exit/" in request.url
    ):  # no signal: the server never hears
        phone.locator("a.exit").click()
    page = phone.context.new_page()
    page.context.set_offline(False)
    page.goto(live_server.url + "/healthz")
    assert page.evaluate("indexedDB.databases().then((dbs) => dbs.map((db) => db.name))") == []
    assert page.evaluate("caches.keys()") == []
    # The server never heard the exit, but the login's page key went first: the first app page
    # opened with signal is the login page, and the session is ended on the server.
    page.goto(live_server.url + "/members/")
    assert "/login/" in page.url


def test_logout_keeps_the_sealed_entries_for_the_next_login(phone, unlocked, live_server, ayu):
    """Nobody can read them, so "Keluar" does not throw them away: they are sent at her next login."""
    phone.context.set_offline(True)
    _keep_visit(phone, CODES[0])
    phone.locator("footer form[action$='/logout/'] button").click()
    with phone.expect_event("requestfailed", lambda request: "/logout/" in request.url):
        phone.get_by_role("dialog").get_by_role("button", name="Tetap keluar").click()  # asked first
    page = phone.context.new_page()
    phone.context.set_offline(False)
    page.goto(live_server.url + "/healthz")
    assert page.evaluate(SEALED_COUNT) == 1
    log_in(page, live_server, ayu)
    page.goto(live_server.url + "/offline/")
    page.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '0'", timeout=30_000)
    assert list(Visit.objects.values_list("uic", flat=True)) == [CODES[0]]


def test_a_session_that_ended_offline_asks_for_the_login_then_sending_carries_on(phone, unlocked, live_server, ayu):
    phone.context.set_offline(True)
    _keep_visit(phone, CODES[0])
    phone.context.clear_cookies()  # the session ended while the phone had no signal
    phone.context.set_offline(False)
    phone.locator("[data-sync]").click()  # or the 'online' event; a tap is what a worker would do
    login = phone.locator("[data-sync-message] a[href^='/login/']")
    login.wait_for()
    assert Visit.objects.count() == 0 and _waiting(phone) == 1
    other_tab = phone.context.new_page()
    log_in(other_tab, live_server, ayu)  # what the login link's tab does
    other_tab.close()
    phone.locator("[data-sync]").click()
    _wait_until_sent(phone)
    assert list(Visit.objects.values_list("uic", flat=True)) == [CODES[0]]


def test_another_branchs_code_and_centre_reveal_nothing_of_it(
    live_server, phone, ayu, jakarta_dic, bali_dic, catalogue
):
    """A code registered in Bali is only a code to Jakarta (a visit by code, tied to no
    member); a Bali centre slipped into the queue is refused and kept; no page names Bali."""
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    kamboja = MemberFactory(branch=bali_dic.branch, alias="Kamboja", uic="KAMB2010190")
    _open_capture(phone, live_server, ayu)
    _set_pin(phone)
    phone.context.set_offline(True)
    _keep_visit(phone, kamboja.uic)
    # A tampered entry: the centre select given another branch's centre.
    phone.evaluate(f"""() => {{ const s = document.querySelector('#visit_drop_in_centre');
        s.add(new Option('x', '{bali_dic.pk}')); }}""")
    form = phone.locator("form[data-offline-kind=visit]")
    form.locator("#visit_walk_in_uic").fill(CODES[1])
    form.get_by_label("Konseling").check()
    form.locator("#visit_drop_in_centre").select_option(str(bali_dic.pk))
    form.locator("button[type=submit]").click()
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '2'")
    phone.context.set_offline(False)
    refused = phone.locator("[data-queue] li[data-entry-state=refused]")
    refused.wait_for(timeout=30_000)
    visit = Visit.objects.get()
    assert visit.uic == kamboja.uic and visit.member is None and visit.drop_in_centre == jakarta_dic
    assert _waiting(phone) == 1  # the refused entry stays until it is fixed or discarded
    assert refused.inner_text().split(" — ")[1].startswith("Ditolak: DIC: ")  # the reason, by its field
    text = phone.locator("body").inner_text()
    for secret in ("Kamboja", "Bali", "Denpasar"):
        assert secret not in text
    refused.get_by_role("button", name="Buang").click()
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '0'")
    assert Visit.objects.count() == 1


def test_the_code_helper_works_offline_and_only_the_code_is_kept(live_server, phone, ayu, jakarta_dic, catalogue):
    """static/js/uic.js, the one copy of the formula (checked against members/uic.py on generated
    answers in test_forms_help_on_phone.py), works on the capture page without signal."""
    import datetime

    from members.uic import build_uic

    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    _open_capture(phone, live_server, ayu)
    _set_pin(phone)
    phone.context.set_offline(True)
    phone.reload()
    _unlock(phone)
    phone.wait_for_selector("#unlocked:not([hidden])")
    phone.locator("details.uic-helper summary").click()
    phone.locator("#uic-mother").fill("Sití")
    phone.locator("#uic-father").fill("Budi")
    phone.locator("#uic-gender").select_option("woman")
    phone.locator("#uic-birth").fill("1990-03-15")
    expected = build_uic("Sití", "Budi", "woman", datetime.date(1990, 3, 15))
    assert phone.locator("#visit_walk_in_uic").input_value() == expected
    form = phone.locator("form[data-offline-kind=visit]")
    form.get_by_label("Konseling").check()
    form.locator("button[type=submit]").click()
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '1'")
    _, stored = _stored_text(phone)
    read = "\n".join(phone.evaluate(READ_WITH_PIN, PIN))
    for kept in (stored, read):
        for answer in (expected, "Sit", "Budi", "1990-03-15", "woman"):
            assert answer not in kept
    phone.context.set_offline(False)
    _wait_until_sent(phone)
    assert list(Visit.objects.values_list("uic", flat=True)) == [expected]  # the code, and only it, was kept


def test_the_capture_page_has_no_serious_axe_finding_locked_or_open(live_server, phone, ayu, jakarta_dic, catalogue):
    from tests.browser.pages import axe_findings

    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    _open_capture(phone, live_server, ayu)
    assert axe_findings(phone) == []
    _set_pin(phone)
    assert axe_findings(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_an_alias_is_never_kept_and_a_refused_entry_can_be_fixed_and_sent(phone, unlocked):
    phone.context.set_offline(True)
    session = phone.locator("form[data-offline-kind=session]")
    session.locator("#session_place_kind").select_option("hotspot")
    session.locator("#session_people").fill("Mawar, DEAG3010195")
    session.locator("button[type=submit]").click()
    assert "Mawar" in session.locator("[data-form-status]").inner_text()
    assert _waiting(phone) == 0  # nothing kept while a name is in it
    visit = phone.locator("form[data-offline-kind=visit]")
    visit.locator("#visit_walk_in_uic").fill("Melati Putih")  # a name typed in the code box
    visit.get_by_label("Konseling").check()
    visit.locator("button[type=submit]").click()
    assert "Melati Putih" in visit.locator("[data-form-status]").inner_text()
    assert _waiting(phone) == 0
    # A code with a digit that is no gender is refused on the phone, at once.
    visit.locator("#visit_walk_in_uic").fill("SIBU5150390")
    visit.locator("button[type=submit]").click()
    assert "angka jenis kelamin" in visit.locator("[data-form-problems]").inner_text()
    assert _waiting(phone) == 0
    # A visit only the server can refuse (condoms the centre does not hold) is kept, refused with
    # the reason, fixed in its form and sent again under the same submission key.
    _keep_visit(phone, "SIBU2150390", condoms=5)
    phone.context.set_offline(False)
    refused = phone.locator("[data-queue] li[data-entry-state=refused]")
    refused.wait_for(timeout=30_000)
    refused.get_by_role("button", name="Perbaiki").click()
    form = phone.locator("form[data-offline-kind=visit]")
    assert form.locator("#visit_walk_in_uic").input_value() == "SIBU2150390"
    assert form.get_by_label("Konseling").is_checked()
    form.locator("input[name^=qty_]").first.fill("")
    form.locator("button[type=submit]").click()
    phone.locator("[data-queue] li[data-entry-state=saved]").wait_for(timeout=30_000)
    assert list(Visit.objects.values_list("uic", flat=True)) == ["SIBU2150390"]


def test_chromium_finds_the_app_installable(live_server, phone, ayu, jakarta_dic, catalogue):
    """What Chromium itself checks before it offers "Install app": the manifest, its icons, a
    service worker that answers offline. No installability error is left."""
    _open_capture(phone, live_server, ayu)
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    phone.reload()
    session = phone.context.new_cdp_session(phone)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # The one error left is the test's own doing: its browser context is a private window.
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    manifest = session.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest") and not manifest["errors"]


def test_the_kept_copy_is_renewed_after_ten_minutes_with_the_new_catalogue(phone, capture, live_server, jakarta_dic):
    """A service added to the catalogue after the copy was kept reaches the phone at the next page
    opened online once the copy is ten minutes old, not before."""
    centre = ServiceType.objects.create(name="Tes sifilis", order=20)
    offline_choices = """() => caches.match('/offline/', {cacheName: 'opsi-capture'}).then((hit) => hit.text())"""
    phone.goto(live_server.url + "/")  # a page opened online within ten minutes: the copy stays
    phone.wait_for_timeout(500)
    assert centre.name not in phone.evaluate(offline_choices)
    phone.evaluate("localStorage.setItem('opsi-capture-cached', String(Date.now() - 11 * 60 * 1000))")
    phone.goto(live_server.url + "/")
    renewed = phone.evaluate(
        """async (name) => {
      for (let i = 0; i < 150; i++) {
        const hit = await caches.match('/offline/', {cacheName: 'opsi-capture'});
        if (hit && (await hit.text()).includes(name)) { return true; }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return false;
    }""",
        centre.name,
    )
    assert renewed
    phone.context.set_offline(True)
    phone.goto(live_server.url + "/visits/new/")  # offline: the service worker's copy
    assert phone.locator("#capture").count() == 1
    assert phone.locator("form[data-offline-kind=visit] label", has_text=centre.name).count() == 1


def test_a_phone_passed_on_shows_nothing_of_the_first_worker_and_keeps_her_entries_for_her(
    live_server, phone, ayu, putri, jakarta_dic, catalogue
):
    """Ayu keeps a visit offline and her session ends without a logout. Putri, given the phone,
    finds the capture page offline: no name, no centre, no entry, in the page or in what the phone
    keeps; her five wrong PINs lock the page but leave Ayu's entry. Logged in, Putri cannot send
    it as her own; Ayu's next login sends it."""
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    _open_capture(phone, live_server, ayu)
    _set_pin(phone)
    phone.context.set_offline(True)
    _keep_visit(phone, CODES[0])
    phone.context.clear_cookies()  # her session ended meanwhile

    phone.reload()  # the kept copy, offline, for whoever holds the phone
    phone.wait_for_selector("#pin-enter:not([hidden])")
    shown = phone.locator("body").inner_text()
    dump, stored = _stored_text(phone)
    cached = "\n".join(dump["cached"].values())
    for secret in ("DIC Jakarta Utara", "Jakarta", "ayu", f'"user":{ayu.pk}', f"user:{ayu.pk}", "Kunjungan ·"):
        assert secret not in shown and secret not in stored and secret not in cached
    assert CODES[0] not in stored
    assert phone.locator("#visit_drop_in_centre option").count() == 0  # her centres are under her PIN
    screenshot(phone, "offline-capture-locked")
    for _ in range(5):
        _unlock(phone, "111111")
        phone.wait_for_timeout(300)
    phone.wait_for_selector("#pin-none:not([hidden])")
    assert phone.evaluate(SEALED_COUNT) == 1

    phone.context.set_offline(False)
    log_in(phone, live_server, putri)
    phone.goto(live_server.url + "/offline/")
    phone.wait_for_function("() => document.querySelector('[data-sync-message]').textContent.includes('petugas lain')")
    assert Visit.objects.count() == 0 and phone.evaluate(SEALED_COUNT) == 1
    phone.context.clear_cookies()
    log_in(phone, live_server, ayu)
    phone.goto(live_server.url + "/offline/")
    _wait_until_sent(phone)
    visit = Visit.objects.get()
    assert (visit.uic, visit.recorded_by, visit.drop_in_centre) == (CODES[0], ayu, jakarta_dic)


def test_what_a_copy_of_the_phone_holds_after_a_days_entries(phone, unlocked, catalogue, jakarta_dic, capsys):
    """Measured for SECURITY.md: every store of the site in the browser, after four entries kept
    offline (three visits, a session at a named place), read as a copy of the storage gives it."""
    phone.context.set_offline(True)
    for code in CODES:
        _keep_visit(phone, code)
    session = phone.locator("form[data-offline-kind=session]")
    session.locator("#session_place_kind").select_option("hotspot")
    session.locator("#session_area").fill("Taman Lawang")
    session.locator("#session_people").fill("DEAG3010195")
    session.locator("button[type=submit]").click()
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '4'")
    dump, stored = _stored_text(phone)
    with capsys.disabled():
        print("\nwhat the phone holds:")
        for store, records in sorted(dump["idb"].items()):
            print(f"  IndexedDB {store}: {len(records)} records, {sum(map(len, records))} characters")
        print(f"  localStorage: {sorted(dump['local'])}")
        print(f"  Cache Storage: {sorted(dump['cached'])}")
        print(f"  read with the right PIN: {phone.evaluate(READ_WITH_PIN, PIN)}")
    assert sorted(dump["idb"]) == ["opsi-offline/meta", "opsi-offline/sealed", "opsi-offline/workers"]
    assert len(dump["idb"]["opsi-offline/sealed"]) == 4 and len(dump["idb"]["opsi-offline/workers"]) == 1
    for secret in CODES + ["Taman", "hotspot", "DIC Jakarta Utara", "Jakarta"]:
        assert secret not in stored
    # The capture page, its files, the partners' directory and the companion (nobody's record).
    kept_pages = ("/partners/", "/companion/")
    assert all(path.startswith(("/offline/", "/static/")) or path in kept_pages for path in dump["cached"])
    for secret in CODES + ["Taman", "hotspot"]:
        assert all(secret not in dump["cached"].get(path, "") for path in kept_pages)


OLD_QUEUE = """async ([pin, user, fields]) => {
  await new Promise((ok) => { const r = indexedDB.deleteDatabase("opsi-offline"); r.onsuccess = r.onerror = r.onblocked = () => ok(); });
  const db = await new Promise((ok) => {
    const r = indexedDB.open("opsi-offline", 1);
    r.onupgradeneeded = () => { r.result.createObjectStore("meta"); r.result.createObjectStore("entries", {keyPath: "id", autoIncrement: true}); };
    r.onsuccess = () => ok(r.result);
  });
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"]);
  const key = await crypto.subtle.deriveKey({name: "PBKDF2", salt, iterations: 600000, hash: "SHA-256"},
    base, {name: "AES-GCM", length: 256}, false, ["encrypt"]);
  const box = async (value) => { const iv = crypto.getRandomValues(new Uint8Array(12));
    return {iv, data: new Uint8Array(await crypto.subtle.encrypt({name: "AES-GCM", iv}, key, new TextEncoder().encode(JSON.stringify(value))))}; };
  const check = await box("opsi"), entry = await box({kind: "visit", fields, state: "waiting", reasons: []});
  await new Promise((ok) => { const tx = db.transaction(["meta", "entries"], "readwrite");
    tx.objectStore("meta").put({salt, check, failures: 0, user: String(user)}, "lock"); tx.objectStore("entries").add(entry);
    tx.oncomplete = () => { db.close(); ok(); }; });
}"""


def test_entries_kept_by_the_version_before_are_sealed_anew_and_sent(live_server, phone, ayu, jakarta_dic, catalogue):
    """A phone updated with entries waiting under the PIN alone loses none: set the same PIN again
    and they are sealed to the server, their old copies gone, and sent."""
    _open_capture(phone, live_server, ayu)
    fields = [
        ["walk_in", "1"],
        ["submission_key", "6f1c1f8e-8a3c-4a4e-9a55-3c1e4b1f0a01"],
        ["walk_in_uic", CODES[1]],
        ["services", str(catalogue["counselling"].pk)],
        ["drop_in_centre", str(jakarta_dic.pk)],
        ["visited_on", jakarta_dic.branch.today().isoformat()],
    ]
    phone.context.set_offline(True)
    phone.evaluate(OLD_QUEUE, [PIN, ayu.pk, fields])
    phone.reload()
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '1'")
    phone.context.set_offline(False)
    phone.reload()
    _set_pin(phone)
    _wait_until_sent(phone)
    assert list(Visit.objects.values_list("uic", flat=True)) == [CODES[1]]
    dump, stored = _stored_text(phone)
    assert dump["idb"]["opsi-offline/entries"] == [] and CODES[1] not in stored


def test_a_second_worker_sets_her_own_pin_and_sees_only_her_list(
    live_server, phone, ayu, putri, jakarta_dic, catalogue
):
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    _open_capture(phone, live_server, ayu)
    _set_pin(phone)
    phone.context.set_offline(True)
    _keep_visit(phone, CODES[0])
    phone.context.set_offline(False)
    phone.route("**/offline/send/**", lambda route: route.abort("internetdisconnected"))  # it stays waiting
    phone.context.clear_cookies()
    log_in(phone, live_server, putri)
    phone.goto(live_server.url + "/offline/")
    phone.locator("[data-pin-new]").wait_for()
    screenshot(phone, "offline-capture-shared-phone")
    phone.locator("[data-pin-new]").click()
    phone.locator("#pin-new").fill(PIN)  # Ayu's PIN: it would open Ayu's list
    phone.locator("#pin-again").fill(PIN)
    phone.locator("[data-pin-set]").click()
    phone.wait_for_function(
        "() => document.querySelector('#pin-set [data-pin-error]').textContent.includes('PIN lain')"
    )
    assert phone.locator("#unlocked").is_hidden()
    phone.locator("#pin-new").fill("975310")
    phone.locator("#pin-again").fill("975310")
    phone.locator("[data-pin-set]").click()
    phone.wait_for_selector("#unlocked:not([hidden])")
    items = phone.locator("[data-queue] li")
    items.first.wait_for()
    assert items.all_inner_texts() == ["Juga menunggu, tersegel, untuk petugas yang menyimpannya: 1"]
    assert Visit.objects.count() == 0
