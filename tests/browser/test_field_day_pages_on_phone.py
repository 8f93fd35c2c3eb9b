"""The pages around the capture on a 360 x 740 phone, as a hurried worker meets them: field
capture and the stock found from home, the visit form's errors on the first screen and never
under the bottom strip, targets a thumb can hit, the focus where the next tap is, and a form
sent after the browser restarted that comes back filled."""

import datetime

import pytest

from services.models import Visit
from tests.factories import MemberFactory

from .pages import axe_findings, branch_records, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = 740


@pytest.fixture
def records(ayu, jakarta_dic, bali_dic, catalogue):
    return branch_records(jakarta_dic.branch, jakarta_dic, ayu)


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def _settle(page, within_ms=10_000):
    page.wait_for_load_state("networkidle")
    waited = 0
    while page.waiting_requests and waited < within_ms:
        page.wait_for_timeout(100)
        waited += 100


def _strip_height(page):
    page.wait_for_selector("#offline-state:not([hidden])")
    return _box(page, "#offline-state")["height"]


def test_field_capture_and_the_stock_are_one_tap_from_home(live_server, phone, phone_of, putri, records):
    phone_of(putri)
    phone.goto(live_server.url + "/")
    screenshot(phone, "field-day-home")
    link = phone.locator("main .capture-link a")
    box = link.bounding_box()
    assert box["y"] + box["height"] <= SCREEN and box["height"] >= 44
    assert _box(phone, "ul.tiles")["y"] + _box(phone, "ul.tiles")["height"] <= SCREEN
    phone.locator(".nav summary").click()
    assert phone.locator(".nav .menu a", has_text="Catat di lapangan").is_visible()
    phone.locator(".nav summary").click()
    phone.locator("ul.tiles a", has_text="stok habis atau menipis").click()  # one tap to the stock
    phone.wait_for_url(f"{live_server.url}/drop-in-centres/{records['centre'].pk}/stock/")
    phone.goto(live_server.url + "/")
    link.click()
    phone.wait_for_url(live_server.url + "/offline/")


@pytest.mark.parametrize("who", ["ayu", "putri", "sari", "dewi"])
def test_the_title_the_language_button_and_the_quick_exit_are_thumb_sized(
    live_server, phone, phone_of, people, who, records
):
    phone_of(people[who])
    phone.goto(live_server.url + "/")
    for selector in ("header .brand", "header a.exit", ".foot form.inline button[type=submit]"):
        box = _box(phone, selector)
        assert box["height"] >= 44 and box["width"] >= 44, (selector, box)


def test_the_visit_form_opens_on_its_errors_and_the_strip_covers_none(
    live_server, phone, phone_of, ayu, records, stocked
):
    phone_of(ayu)
    member = records["member"]
    phone.goto(f"{live_server.url}/visits/new/?member={member.pk}")
    strip = _strip_height(phone)
    assert _box(phone, "#offline-state a")["height"] >= 44
    for label in phone.locator("fieldset label.check").all():
        assert label.bounding_box()["height"] >= 44
    change = _box(phone, "a.change")
    assert change["height"] >= 44 and change["width"] >= 44
    tomorrow = records["branch"].today() + datetime.timedelta(days=1)
    phone.get_by_label("Konseling").check()
    phone.locator("#id_visited_on").fill(tomorrow.isoformat())
    phone.locator("form.stack button[type=submit]").click()
    phone.wait_for_selector("#error-summary")
    screenshot(phone, "field-day-visit-errors")
    assert axe_findings(phone) == []
    assert not Visit.objects.filter(visited_on=tomorrow).exists()
    # The first screen shows what to fix, and a screen reader starts there.
    summary = _box(phone, "#error-summary")
    assert summary["y"] + summary["height"] <= SCREEN
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    # Its link puts the focus in the date, and the date's error is not under the strip.
    phone.locator("#error-summary a[href='#id_visited_on']").click()
    assert phone.evaluate("document.activeElement.id") == "id_visited_on"
    error = _box(phone, ".has-error .error")
    assert error["y"] >= 0 and error["y"] + error["height"] <= SCREEN - strip
    # At the very bottom of the page, the last line (the log-out button) is above the strip too.
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = _box(phone, ".foot form:last-of-type button")
    assert last["y"] + last["height"] <= SCREEN - strip


def test_after_choosing_a_member_the_focus_is_on_the_first_service(
    live_server, phone, phone_of, ayu, jakarta_dic, catalogue
):
    MemberFactory(branch=jakarta_dic.branch, alias="Mawar", uic="SIBU2150390")
    phone_of(ayu)
    phone.goto(live_server.url + "/visits/new/")
    phone.locator("#id_q").type("maw")
    phone.wait_for_selector("#member-results a.pick")
    phone.locator("#member-results a.pick").first.click()
    phone.wait_for_url("**/visits/new/?member=*")
    phone.wait_for_function("document.activeElement && document.activeElement.name === 'services'")
    assert phone.evaluate("document.activeElement.id") == "id_services_0"
    phone.keyboard.press("Space")  # the next key ticks the first service
    assert phone.locator("#id_services_0").is_checked()


def test_a_visit_sent_after_the_browser_lost_its_cookie_comes_back_filled(
    live_server, phone, phone_of, ayu, records, stocked
):
    phone_of(ayu)
    phone.goto(f"{live_server.url}/visits/new/?member={records['member'].pk}")
    phone.get_by_label("Konseling").check()
    # The page's own background requests (the capture page's copy) answered first: one answered
    # after the cookie is gone would bring it back.
    _settle(phone)
    phone.context.clear_cookies(name="csrftoken")
    with phone.expect_response(lambda r: r.request.method == "POST") as answer:
        phone.locator("form.stack button[type=submit]").click()
    assert answer.value.status == 403
    phone.wait_for_selector("#error-summary")
    screenshot(phone, "field-day-visit-without-cookie")
    assert axe_findings(phone) == []
    assert "Belum ada yang tersimpan" in phone.locator("#error-summary").inner_text()
    assert phone.get_by_label("Konseling").is_checked()
    assert Visit.objects.count() == 1  # the one of the records, nothing new
    phone.locator("form.stack button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/visits/*/")
    assert Visit.objects.count() == 2


def test_an_empty_queue_says_so_without_a_number(live_server, phone, ayu, jakarta_dic, catalogue):
    from .test_offline_capture_on_phone import _open_capture, _set_pin

    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    _open_capture(phone, live_server, ayu)
    _set_pin(phone)
    nothing = phone.locator("[data-queue] li")
    assert nothing.count() == 1 and nothing.inner_text() == "Tidak ada yang menunggu."
    screenshot(phone, "field-day-empty-queue")
    assert nothing.evaluate("li => getComputedStyle(li).listStyleType") == "none"
    # The words start where the heading starts: no gap where a number was.
    heading = _box(phone, "#queue-title")
    assert abs(nothing.bounding_box()["x"] - heading["x"]) <= 2


def test_a_form_sent_without_its_cookie_says_what_to_do_and_leads_back(live_server, phone, phone_of, ayu, records):
    phone_of(ayu)
    phone.goto(f"{live_server.url}/members/{records['member'].pk}/edit/")
    _settle(phone)
    phone.context.clear_cookies(name="csrftoken")
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_selector("text=Isian tidak tersimpan")
    screenshot(phone, "field-day-form-without-cookie")
    assert axe_findings(phone) == []
    main = phone.locator("main").inner_text()
    assert "CSRF" not in main and "dibajak" not in main and "Terlarang" not in main
    phone.get_by_role("link", name="Kembali ke halaman").click()
    phone.wait_for_url(f"{live_server.url}/members/{records['member'].pk}/edit/")


def test_jkn_kis_holds_together_in_a_report_table(live_server, phone, phone_of, ayu, records):
    from .pages import url_of

    phone_of(ayu)
    phone.goto(live_server.url + url_of("report_page", None, records))
    label = phone.locator("main table tbody th", has_text="JKN").first
    label.scroll_into_view_if_needed()
    screenshot(phone, "field-day-report-jkn-kis")
    lines = label.evaluate("""th => {
      const node = [...th.childNodes].find(n => n.nodeType === 3 && n.textContent.includes("JKN"))
        || th.querySelector("*").firstChild;
      const at = node.textContent.indexOf("JKN");
      const range = document.createRange();
      range.setStart(node, at); range.setEnd(node, at + 7);
      return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
    }""")
    assert lines == 1
