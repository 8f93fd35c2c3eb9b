"""A coordinator records a rights violation on a phone-sized screen."""

import pytest

from incidents.models import Incident
from tests.browser.pages import type_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_records_an_incident_on_a_phone(live_server, phone, ayu, jakarta_dic):
    type_login(phone, live_server, "ayu")

    phone.goto(live_server.url + "/incidents/new/")
    phone.locator("#id_occurred_on").fill("2025-05-01")
    phone.locator("#id_place_kind").select_option("police")
    phone.locator("#id_perpetrator").select_option("satpol_pp")
    phone.locator("input[name=kinds][value=arrest]").check()
    phone.locator("#id_account").fill("Dibawa saat razia malam.")
    phone.locator("#id_consent").select_option("statistics")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone.locator("form.stack button[type=submit]").click()

    phone.wait_for_selector("text=Dibawa saat razia malam.")
    incident = Incident.objects.get()
    assert incident.perpetrator == "satpol_pp" and incident.branch.name == "Jakarta"
    assert list(incident.violations.values_list("kind", flat=True)) == ["arrest"]
