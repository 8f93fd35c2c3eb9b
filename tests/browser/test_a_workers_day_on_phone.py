"""A worker's day on a 360 px phone, end to end (issue 29): three visits, an outreach session,
a referral, a paperwork step, stock received and the quarter's report, once online and once
with the visits and the session kept offline. At the end each record is on the server once,
none lost, none doubled, none without what belongs to it."""

import datetime

import pytest

from outreach.models import OutreachSession
from services.models import CaseStep, PaperworkCase, Referral, StockMovement, Visit, VisitService
from services.paperwork import open_case
from tests.browser.pages import type_login
from tests.browser.test_offline_capture_on_phone import _keep_visit, _open_capture, _set_pin, _wait_until_sent
from tests.conftest import settle_and_close, watch_requests
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WALK_IN, WALK_IN_WITH_CONDOMS = "DEAG3010195", "NUAN2240788"


@pytest.fixture
def phone(browser, jakarta):
    """The 360 x 740 phone, set to the branch's time zone as a phone in Jakarta is: the offline
    form dates a visit by the phone's clock, the report's quarter by Jakarta's (in UTC, the
    evening before a new quarter would put the day's visits in the last one)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, timezone_id=jakarta.time_zone.key
    )
    page = watch_requests(context.new_page())
    page.set_default_timeout(10_000)
    yield page
    settle_and_close(page)


@pytest.fixture
def day(ayu, jakarta_dic, catalogue, stocked):
    """Ayu coordinates Jakarta from its centre; Mawar is a member with a KTP case waiting for its next step."""
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    mawar = MemberFactory(branch=jakarta_dic.branch, alias="Mawar", uic="MAWA2010195")
    case = open_case(mawar, "ktp", jakarta_dic.branch.today() - datetime.timedelta(days=20), ayu)
    return {"mawar": mawar, "case": case, "received_before": StockMovement.objects.filter(kind="received").count()}


def _menu(phone, href):
    phone.locator(".nav summary").click()
    phone.locator(f".nav .menu a[href$='{href}']").click()


def _save(phone):
    phone.locator("main form.stack button[type=submit]").last.click()


def _refer(phone):
    """On a visit's page: refer the person to a clinic for an HIV test."""
    visit_url = phone.url
    phone.locator("main a[href$='/refer/']").click()
    phone.locator("#id_facility_kind").select_option("puskesmas")
    phone.locator("#id_service").fill("Tes HIV")
    _save(phone)
    phone.wait_for_url(visit_url)
    assert "Tes HIV" in phone.locator("main").inner_text()


def _advance_the_case(phone):
    _menu(phone, "/cases/stuck/")
    phone.locator("main ul.cards a[href*='/cases/']").first.click()
    phone.wait_for_url("**/cases/*/")
    case_url = phone.url
    _save(phone)  # the next step is chosen, dated today
    phone.wait_for_url(case_url)
    phone.locator("main ol.timeline li").nth(1).wait_for()


def _receive_stock(phone):
    phone.locator("header .brand").click()
    phone.locator("ul.tiles a", has_text="stok habis atau menipis").click()
    phone.wait_for_url("**/stock/")
    phone.get_by_label("Jumlah diterima").fill("500")
    phone.locator("#id_source").fill("Dinkes DKI")
    _save(phone)
    phone.wait_for_selector("main .msg-success")


def _report_figures(phone):
    """The quarter's report as the form opens it: each key figure's label and its value this period."""
    _menu(phone, "/reports/")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_selector("table.figures")
    return dict(
        phone.locator("table.figures tbody tr").evaluate_all(
            "rows => rows.map(r => [r.querySelector('th').innerText, r.querySelector('td').innerText])"
        )
    )


def _the_report_counts_the_day(phone):
    figures = _report_figures(phone)
    assert figures["Kunjungan DIC"] == "3"
    assert figures["Orang yang berkunjung (menurut kode)"] == "3"
    assert figures["Kegiatan penjangkauan"] == "1"
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def _the_day_is_on_the_server_once(day, jakarta_dic, session_contact):
    mawar, case = day["mawar"], day["case"]
    visits = list(Visit.objects.order_by("uic"))
    assert [v.uic for v in visits] == sorted(["MAWA2010195", WALK_IN, WALK_IN_WITH_CONDOMS])
    assert Visit.objects.get(uic="MAWA2010195").member == mawar  # the member's visit is hers
    assert Visit.objects.filter(member__isnull=True).count() == 2
    assert all(v.drop_in_centre == jakarta_dic for v in visits)
    assert not Visit.objects.filter(service_lines__isnull=True).exists()  # every visit has its services
    assert VisitService.objects.filter(visit__in=visits).count() >= 3
    condoms = VisitService.objects.get(visit__uic=WALK_IN_WITH_CONDOMS, service_type__commodity__isnull=False)
    assert condoms.quantity == 10
    handed_out = StockMovement.objects.filter(kind="handed_out")
    assert [m.quantity for m in handed_out] == [-10]

    session = OutreachSession.objects.get()
    contact = session.contacts.get()  # one contact, with her code, linked to her if she is a member
    assert contact.uic == session_contact and contact.member == (mawar if session_contact == mawar.uic else None)
    assert list(session.topics.values_list("topic", flat=True)) == ["hiv_sti"]
    assert session.branch == jakarta_dic.branch

    referral = Referral.objects.get()
    assert referral.visit == Visit.objects.get(uic="MAWA2010195")
    assert referral.member == mawar and referral.uic == mawar.uic and referral.branch == jakarta_dic.branch

    assert PaperworkCase.objects.count() == 1
    case.refresh_from_db()
    assert case.step == "gathered"
    assert list(CaseStep.objects.filter(case=case).values_list("step", flat=True).order_by("id")) == [
        "identified",
        "gathered",
    ]

    received = StockMovement.objects.filter(kind="received")
    assert received.count() == day["received_before"] + 1
    assert received.filter(quantity=500, source="Dinkes DKI", drop_in_centre=jakarta_dic).count() == 1


def test_a_day_online_three_visits_a_session_a_referral_a_step_stock_and_the_report(
    live_server, phone, ayu, jakarta_dic, catalogue, day
):
    type_login(phone, live_server, "ayu", "/visits/new/")
    # A member found by her alias; she is referred for an HIV test from her visit.
    phone.locator("#id_q").type("maw")
    phone.wait_for_selector("#member-results a.pick")
    phone.locator("#member-results a.pick").first.click()
    phone.get_by_label("Konseling").check()
    _save(phone)
    phone.wait_for_url(f"{live_server.url}/visits/*/")
    _refer(phone)
    # A walk-in by her code, then one given condoms.
    for code, condoms in ((WALK_IN, None), (WALK_IN_WITH_CONDOMS, 10)):
        phone.locator("main a.btn[href$='/visits/new/']").click()
        phone.locator("main a[href='?walk_in=1']").click()
        phone.locator("#id_walk_in_uic").fill(code)
        phone.get_by_label("Konseling").check()
        if condoms:
            phone.get_by_label("Kondom", exact=True).check()
            phone.locator(f"#id_qty_{catalogue['condoms'].pk}").fill(str(condoms))
        _save(phone)
        phone.wait_for_url(f"{live_server.url}/visits/*/")
    # The evening's outreach: the walk-in met again, by her code.
    _menu(phone, "/outreach/")
    phone.locator("main a[href$='/outreach/new/']").click()
    phone.locator("#id_place_kind").select_option("hotspot")
    phone.locator("#id_people").fill(WALK_IN)
    phone.locator("#id_new_contacts").fill("2")
    phone.locator("input[name=topics][value=hiv_sti]").check()
    phone.locator("form.stack > button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/outreach/*/")

    _advance_the_case(phone)
    _receive_stock(phone)
    _the_report_counts_the_day(phone)
    _the_day_is_on_the_server_once(day, jakarta_dic, WALK_IN)


def test_a_day_with_the_visits_and_the_session_kept_offline_then_the_rest_online(
    live_server, phone, ayu, jakarta_dic, catalogue, day
):
    mawar = day["mawar"]
    _open_capture(phone, live_server, ayu)
    _set_pin(phone)
    phone.context.set_offline(True)
    _keep_visit(phone, mawar.uic)  # a member, by her code
    _keep_visit(phone, WALK_IN)
    _keep_visit(phone, WALK_IN_WITH_CONDOMS, condoms=10)
    session = phone.locator("form[data-offline-kind=session]")
    session.locator("#session_place_kind").select_option("hotspot")
    session.locator("#session_area").fill("Taman Lawang")
    session.locator("#session_people").fill(mawar.uic)
    session.locator("#session_new_contacts").fill("2")
    session.locator("input[name=topics][value=hiv_sti]").check()
    session.locator("button[type=submit]").click()
    phone.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '4'")
    assert Visit.objects.count() == 0 and OutreachSession.objects.count() == 0

    phone.context.set_offline(False)
    _wait_until_sent(phone)
    assert Visit.objects.count() == 3 and OutreachSession.objects.count() == 1
    saved = phone.locator("[data-queue] li[data-entry-state=saved]")
    assert saved.count() == 4
    assert "masuk ke catatan anggota" in saved.nth(0).inner_text()
    # A second look at the queue after a reload (a whole sync, over when data-sync-done is set) sends nothing again.
    phone.reload()
    phone.wait_for_selector("#capture[data-sync-done]", state="attached")
    _wait_until_sent(phone)
    assert Visit.objects.count() == 3 and OutreachSession.objects.count() == 1

    # Her visit is on her timeline; from it, the referral.
    phone.locator(".nav a[href$='/members/']").click()
    phone.locator(f"main a[href$='/members/{mawar.pk}/']").first.click()
    phone.wait_for_url(f"{live_server.url}/members/{mawar.pk}/")
    timeline = phone.locator("ol.timeline")
    assert "DIC Jakarta Utara" in timeline.inner_text() and "Konseling" in timeline.inner_text()
    timeline.locator("a[href*='/visits/']").first.click()
    phone.wait_for_url(f"{live_server.url}/visits/*/")
    _refer(phone)

    _advance_the_case(phone)
    _receive_stock(phone)
    _the_report_counts_the_day(phone)
    assert {v.visited_on for v in Visit.objects.all()} == {jakarta_dic.branch.today()}
    _the_day_is_on_the_server_once(day, jakarta_dic, mawar.uic)
