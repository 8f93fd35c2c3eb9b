"""The DHIS2 export on the secretariat's phone (360 px): the page fits the screen, the values
table scrolls inside itself, and the JSON button hands over the file it previewed."""

import datetime
import json

import pytest

from tests.factories import MemberFactory
from tests.reports.test_dhis2_exchange import mapping

from .pages import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = "?definition=btg&period_kind=year&year=2025&scope=national%3A"


def test_the_secretariat_previews_and_downloads_the_json_on_a_phone(live_server, phone, phone_of, sari, jakarta):
    for n in range(7):
        MemberFactory(branch=jakarta, alias=f"Mawar {n}", joined_on=datetime.date(2025, 3, 1))
    mapping(datetime.date(2025, 1, 1))
    phone_of(sari)
    phone.goto(live_server.url + "/reports/dhis2/" + QUERY)
    assert phone.get_by_text("Ekspor pertama: 5 nilai.").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(phone, "dhis2-export")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Unduh dataValueSets JSON").click()
    sent = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert (sent["dataSet"], sent["period"], sent["orgUnit"]) == ("OPSI_DS", "2025", "ID")
    members = next(v["value"] for v in sent["dataValues"] if v["dataElement"] == "OPSI_MEMBERS")
    assert members in ("5", "10")  # 7 members, randomly rounded
    phone.goto(live_server.url + "/reports/dhis2/" + QUERY)
    assert phone.get_by_text("0 baru, 0 berubah, 0 ditarik, 5 tetap", exact=False).is_visible()
