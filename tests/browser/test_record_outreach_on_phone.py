"""An outreach worker records a session in the field on a phone-sized screen."""

import pytest

from outreach.models import OutreachSession
from tests.browser.pages import type_login
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outreach_worker_records_a_session_on_a_phone(live_server, phone, putri, jakarta_dic, catalogue, stocked):
    MemberFactory(branch=jakarta_dic.branch, alias="Mawar", uic="SIBU2150390")
    type_login(phone, live_server, "putri", "/outreach/new/")

    phone.locator("#id_held_on").fill("2025-05-01")
    phone.locator("#id_place_kind").select_option("hotspot")
    phone.locator("#id_people").fill("Mawar, DEAG3010195")
    phone.locator("#id_new_contacts").fill("3")
    phone.locator("input[name=topics][value=hiv_sti]").check()
    phone.locator(f"#id_qty_{catalogue['condom_item'].pk}").fill("30")
    phone.locator("#id_stock_centre").select_option(str(jakarta_dic.pk))
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone.locator("form.stack > button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/outreach/*/")

    session = OutreachSession.objects.get()
    assert session.new_contacts == 3 and session.contacts.count() == 2
    assert "SIBU2150390" in phone.locator("main").inner_text()
