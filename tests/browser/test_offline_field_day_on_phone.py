"""A day in the field without a lost entry (issue 29): logging out with entries waiting asks
first and keeps them for her; what the server would refuse is refused on the phone at once,
with the reason; a member's code kept offline is her visit; and the page says when the phone is
ready to work without signal, and only then."""

import pytest

from services.models import Visit
from tests.browser.pages import log_in, screenshot
from tests.browser.test_offline_capture_on_phone import (
    CODES,
    SEALED_COUNT,
    _keep_visit,
    _open_capture,
    _set_pin,
    _wait_until_sent,
    _waiting,
)
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGOUT = "footer form[action$='/logout/'] button"


@pytest.fixture
def unlocked(live_server, phone, ayu, jakarta_dic, catalogue):
    """Ayu's phone on the capture page with her PIN set, her usual centre the Jakarta one."""
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    _open_capture(phone, live_server, ayu)
    _set_pin(phone)
    return phone


def test_logout_with_an_entry_waiting_warns_and_keeps_it_for_her_next_login(phone, unlocked, live_server, ayu):
    phone.context.set_offline(True)
    _keep_visit(phone, CODES[0])
    phone.locator(LOGOUT).click()
    ask = phone.get_by_role("dialog")
    ask.wait_for()
    text = ask.inner_text()
    assert "1 catatan menunggu" in text and "tersegel" in text and "masuk lagi" in text
    screenshot(phone, "offline-logout-asks")
    # "Stay and send them": still logged in, on the page, the entry still there.
    ask.get_by_role("button", name="Tetap di sini dan kirim").click()
    assert phone.get_by_role("dialog").count() == 0 and phone.url.endswith("/offline/") and _waiting(phone) == 1
    phone.locator(LOGOUT).click()
    with phone.expect_event("requestfailed", lambda request: "/logout/" in request.url):
        phone.get_by_role("dialog").get_by_role("button", name="Tetap keluar").click()
    page = phone.context.new_page()
    phone.context.set_offline(False)
    page.goto(live_server.url + "/healthz")
    assert page.evaluate(SEALED_COUNT) == 1
    log_in(page, live_server, ayu)
    page.goto(live_server.url + "/offline/")
    page.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '0'", timeout=30_000)
    assert list(Visit.objects.values_list("uic", flat=True)) == [CODES[0]]


def test_logout_with_nothing_waiting_asks_nothing(phone, unlocked, live_server):
    phone.locator(LOGOUT).click()
    phone.wait_for_url(lambda url: "/offline/" not in url)
    assert phone.get_by_role("dialog").count() == 0
    phone.goto(live_server.url + "/members/")
    assert "/login/" in phone.url


def test_the_capture_page_says_the_quick_exit_deletes_waiting_entries(phone, unlocked):
    assert "Keluar cepat menghapus semua catatan yang masih menunggu" in phone.locator("main").inner_text()


def test_a_double_tap_on_keep_keeps_one_visit_not_a_second_empty_one(phone, unlocked):
    phone.context.set_offline(True)
    form = phone.locator("form[data-offline-kind=visit]")
    form.locator("#visit_walk_in_uic").fill(CODES[0])
    form.get_by_label("Konseling").check()
    keep = form.locator("button[type=submit]")
    keep.tap()
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '1'")
    keep.tap()  # the second tap of a hurried double tap, landing once the first was kept
    phone.wait_for_timeout(700)  # a second entry, were one kept, would be counted by now
    assert _waiting(phone) == 1
    assert form.locator("[data-form-problems]").count() == 0  # and no scolding for an empty form
    phone.context.set_offline(False)
    _wait_until_sent(phone)
    assert list(Visit.objects.values_list("uic", flat=True)) == [CODES[0]]


def test_a_visit_the_server_would_refuse_is_refused_on_the_phone_at_once_with_the_reason(phone, unlocked):
    phone.context.set_offline(True)
    form = phone.locator("form[data-offline-kind=visit]")
    code = form.locator("#visit_walk_in_uic")
    problems = form.locator("[data-form-problems]")
    code.fill(CODES[0])
    form.locator("button[type=submit]").tap()  # no service ticked
    problems.wait_for()
    assert "Centang paling sedikit satu layanan" in problems.inner_text()
    screenshot(phone, "offline-visit-refused-on-the-phone")
    assert code.input_value() == CODES[0]  # nothing typed is lost
    for typed, reason in (
        ("SIBU215039", "10 huruf dan angka"),  # a digit left out: said as such, not "no names"
        ("SIBU2151390", "bukan tanggal yang ada"),  # month 13
        ("SIBU7150390", "angka jenis kelamin (1, 2, 3, 4 atau 9)"),
    ):
        code.fill(typed)
        form.get_by_label("Konseling").check()
        form.locator("button[type=submit]").tap()
        phone.wait_for_function(
            "(reason) => (document.querySelector('[data-form-problems]') || {}).innerText.includes(reason)", arg=reason
        )
        assert "nama" not in problems.inner_text().lower()
        assert phone.evaluate("document.activeElement.id") == "visit_walk_in_uic"
    # A ticked item with no number, and a day after today.
    code.fill(CODES[0])
    form.get_by_label("Kondom").first.check()
    form.locator("#visit_visited_on").fill("2099-01-01")
    form.locator("button[type=submit]").tap()
    phone.wait_for_function("() => document.querySelector('[data-form-problems]').innerText.includes('masa depan')")
    assert "Berapa" in problems.inner_text()
    assert _waiting(phone) == 0 and phone.evaluate(SEALED_COUNT) == 0
    form.locator("#visit_visited_on").fill(phone.evaluate("new Date().toLocaleDateString('sv')"))
    form.locator("input[name^=qty_]").first.fill("3")
    form.locator("button[type=submit]").tap()
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '1'")
    assert problems.count() == 0


def test_a_members_code_kept_offline_is_her_visit_on_her_timeline(phone, unlocked, live_server, jakarta):
    jojo = MemberFactory(branch=jakarta, alias="Jojo", uic="JOJO2111101")
    label = phone.locator("label[for=visit_walk_in_uic]").inner_text()
    assert "anggota atau bukan" in label
    assert "Anggota juga dicatat dengan kodenya" in phone.locator("#visit_walk_in_uic_helptext").inner_text()
    phone.context.set_offline(True)
    _keep_visit(phone, "JOJO2111101")
    _keep_visit(phone, "JOJO2111011")  # two digits swapped: a code of nobody
    phone.context.set_offline(False)
    _wait_until_sent(phone)
    saved = phone.locator("[data-queue] li[data-entry-state=saved]")
    assert saved.count() == 2
    assert "masuk ke catatan anggota" in saved.nth(0).inner_text()
    walk_in = phone.locator("[data-queue] li[data-walk-in]")
    assert walk_in.count() == 1 and "tidak ada anggota dengan kode ini" in walk_in.inner_text()
    assert Visit.objects.get(uic="JOJO2111101").member == jojo
    assert Visit.objects.get(uic="JOJO2111011").member is None
    phone.goto(f"{live_server.url}/members/{jojo.pk}/")
    assert "Konseling" in phone.locator("main").inner_text()


SLOW = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


def test_the_page_says_ready_offline_only_once_every_file_is_kept(live_server, phone, ayu, jakarta_dic, catalogue):
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    log_in(phone, live_server, ayu)
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    # The copy of the page for use offline is slower still than the link: it is held until let go.
    held = []
    phone.context.route(
        "**/offline/",
        lambda route: held.append(route) if route.request.resource_type == "fetch" else route.continue_(),
    )
    phone.goto(live_server.url + "/offline/", wait_until="domcontentloaded")
    phone.locator("#pin-new").fill("246810")
    phone.locator("#pin-again").fill("246810")
    phone.locator("[data-pin-set]").click()
    phone.wait_for_selector("#unlocked:not([hidden])", timeout=30_000)
    ready = phone.locator("[data-ready]")
    phone.wait_for_function("() => document.querySelector('[data-ready]').dataset.ready !== undefined")
    phone.context.set_offline(True)  # a second after the PIN: not everything is kept yet
    assert ready.get_attribute("data-ready") == "0"
    assert "Belum siap" in ready.inner_text() and "sinyal" in ready.inner_text()
    phone.wait_for_timeout(1500)
    assert ready.get_attribute("data-ready") == "0"  # offline, it never claims readiness
    phone.context.set_offline(False)
    assert held  # the copy was on its way all along
    for route in held:
        route.continue_()
    phone.context.unroute("**/offline/")
    phone.wait_for_function("() => document.querySelector('[data-ready]').dataset.ready === '1'", timeout=60_000)
    assert "Siap dipakai tanpa sinyal" in ready.inner_text()
    ready.scroll_into_view_if_needed()
    screenshot(phone, "offline-ready")
    phone.context.set_offline(True)
    phone.reload()
    pin = phone.locator("#pin")
    pin.wait_for()  # the JS ran: the PIN field is shown
    assert pin.is_visible()
    # The CSS came from the kept copy: the page is styled, not the browser's plain page.
    assert phone.evaluate("document.styleSheets.length") >= 1
    assert phone.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
