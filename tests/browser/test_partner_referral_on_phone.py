"""A referral to a partner, end to end on a 360 px phone: offline, a worker finds a methadone
service near her branch in the kept directory, opens the companion's harm-reduction topic and
refers a person by code; online, the entry is
sent, she makes the partner's link, the partner (no account) confirms the person started
methadone; the referral shows closed, the report counts it, and the link is dead."""

import re

import pytest

from partners.models import Partner, PartnerLocation, PartnerService, ServiceKind
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from services.models import Referral, ReferralOutcome
from tests.browser.pages import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIN = "246810"
CODE = "DEAG3010195"


@pytest.fixture
def directory(jakarta, bali):
    karisma = Partner.objects.create(name="Karisma", branch=jakarta)
    priok = PartnerLocation.objects.create(
        partner=karisma, branch=jakarta, name="Puskesmas Tanjung Priok", area="Jakarta Utara"
    )
    methadone = PartnerService.objects.create(
        partner=karisma,
        kind=ServiceKind.METHADONE,
        name="PTRM Tanjung Priok",
        hours="Sen-Sab 08.00-12.00",
        cost="Gratis dengan BPJS",
        what_to_bring="KTP",
        welcomes_drug_users=True,
        last_checked_on=jakarta.today(),
    )
    methadone.locations.add(priok)
    hiv = PartnerService.objects.create(
        partner=karisma, kind=ServiceKind.HIV, name="VCT Karisma", last_checked_on=jakarta.today()
    )
    hiv.locations.add(priok)
    dua_hati = Partner.objects.create(name="Yayasan Dua Hati", branch=bali)
    denpasar = PartnerLocation.objects.create(partner=dua_hati, branch=bali, name="Klinik Denpasar", area="Denpasar")
    bali_methadone = PartnerService.objects.create(
        partner=dua_hati, kind=ServiceKind.METHADONE, name="PTRM Denpasar", last_checked_on=bali.today()
    )
    bali_methadone.locations.add(denpasar)
    return methadone


@pytest.fixture
def companion(db):
    """The companion's first edition (a data migration; a test that empties the tables drops it)."""
    import importlib

    from django.apps import apps

    from partners.models import CompanionEdition

    if not CompanionEdition.objects.exists():
        importlib.import_module("partners.migrations.0004_companion_first_edition").publish(apps, None)


def _visible(page, text):
    return page.locator("[data-directory] li", has_text=text).is_visible()


def test_a_worker_refers_offline_and_the_partner_closes_it_online(
    live_server, phone, browser, putri, sari, jakarta, jakarta_dic, catalogue, directory, companion
):
    page = phone
    log_in(page, live_server, putri)
    page.goto(live_server.url + "/offline/")
    page.evaluate("""() => Promise.race([
        navigator.serviceWorker.ready.then(() => window.opsiKeepCaptureCopy(true)),
        new Promise((_, fail) => setTimeout(() => fail(new Error("service worker not ready in 20 s")), 20000)),
    ])""")
    page.locator("#pin-new").fill(PIN)
    page.locator("#pin-again").fill(PIN)
    page.locator("[data-pin-set]").click()
    page.wait_for_selector("#unlocked:not([hidden])")

    # No signal: the directory opens from the phone's copy, filtered there.
    page.context.set_offline(True)
    page.goto(live_server.url + f"/partners/?kind=methadone&branch={jakarta.pk}")
    page.wait_for_function("() => document.querySelector('[data-directory-count]').textContent !== ''")
    assert _visible(page, "PTRM Tanjung Priok")
    assert not _visible(page, "PTRM Denpasar") and not _visible(page, "VCT Karisma")
    card = page.locator("[data-directory] li", has_text="PTRM Tanjung Priok")
    assert "Sen-Sab 08.00-12.00" in card.inner_text() and "Ramah pengguna napza" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "partner_directory_offline")

    # The companion opens from the phone's copy too, and is searched there.
    page.goto(live_server.url + "/companion/")
    page.locator("[data-companion-search]").fill("jarum suntik")
    topic = page.locator("#topic-harm-reduction")
    assert topic.is_visible() and not page.locator("#topic-police").is_visible()
    assert "Jangan berbagi jarum" in topic.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "companion_offline")
    topic.get_by_role("link", name="Metadon (PTRM)").click()
    page.wait_for_function("() => document.querySelector('[data-directory-count]').textContent !== ''")
    card = page.locator("[data-directory] li", has_text="PTRM Tanjung Priok")
    assert card.is_visible() and not _visible(page, "VCT Karisma")

    # "Refer now" opens the capture page's referral form with that service chosen.
    card.get_by_role("link", name="Rujuk sekarang").click()
    page.locator("#pin").fill(PIN)
    page.locator("[data-pin-enter]").click()
    form = page.locator("form[data-offline-kind=referral]")
    form.wait_for()
    assert form.locator("[name=service]").input_value() == str(directory.pk)
    form.locator("[name=uic]").fill(CODE)
    form.locator("button[type=submit]").click()
    page.wait_for_function("() => Number(document.querySelector('#offline-state').dataset.count) === 1")
    assert not Referral.objects.exists()

    # The signal is back: the referral is sent once.
    page.context.set_offline(False)
    page.locator("[data-sync]").click()
    page.wait_for_function("() => document.querySelector('#offline-state').dataset.count === '0'", timeout=30_000)
    referral = Referral.objects.get()
    assert (referral.uic, referral.partner_service_id, referral.made_by_id) == (CODE, directory.pk, putri.pk)

    # The worker makes the partner's link.
    page.goto(live_server.url + f"/referrals/{referral.pk}/")
    page.get_by_role("button", name="Buat tautan untuk mitra").click()
    link = page.locator("[data-partner-link]").input_value()
    assert re.fullmatch(re.escape(live_server.url) + r"/r/[A-Za-z0-9_-]+/", link)

    # The partner, with no account, on a phone of its own.
    partner = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True).new_page()
    try:
        partner.goto(link)
        text = partner.locator("main").inner_text()
        assert CODE in text and "PTRM Tanjung Priok" in text
        assert "Jakarta" not in text and "putri" not in partner.content()
        assert partner.evaluate("document.documentElement.scrollWidth") <= 360
        screenshot(partner, "partner_link")
        partner.get_by_label("Ya, orang itu datang").check()
        partner.get_by_label("Apa yang diterima orang itu?").select_option("started_methadone")
        partner.get_by_role("button", name="Kirim").click()
        partner.get_by_role("heading", name="Terima kasih").wait_for()
        # The link dies after use.
        answer = partner.goto(link)
        assert answer.status == 404
        assert "Tautan ini sudah tidak berlaku" in partner.locator("main").inner_text()
        assert CODE not in partner.content()
    finally:
        partner.context.close()

    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.REACHED and referral.confirmed_by_partner

    # The referral shows closed to the worker, and the report counts it.
    page.goto(live_server.url + "/referrals/?state=closed")
    closed = page.locator(".card", has_text=CODE).inner_text()
    assert "Mulai metadon" in closed and "dikonfirmasi mitra" in closed
    year = periods.year(jakarta.today().year)
    table = build_report(BRIDGING_THE_GAPS, year, Scope("national"), sari).table("partner_confirmed_results")
    assert dict(zip(table.row_keys, (r[1] for r in table.rows)))["started_methadone"] == 1
