"""Home on a 360 x 740 phone: today's work on the first screen, for each role."""

import pytest

from opsi.models import User
from tests.factories import UserFactory

from .pages import branch_records, screenshot, type_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = 740


@pytest.fixture
def records(ayu, jakarta_dic, bali_dic, catalogue):
    return branch_records(jakarta_dic.branch, jakarta_dic, ayu)


def _bottom(page, selector):
    box = page.locator(selector).first.bounding_box()
    return box["y"] + box["height"]


def test_coordinator_logs_in_and_is_one_tap_from_logging_a_visit(live_server, phone, ayu, records):
    type_login(phone, live_server, "ayu")
    screenshot(phone, "home-coordinator")

    button = phone.locator("a.btn-big")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300
    # The counts of the day sit on the first screen, above the fold, each a link.
    assert _bottom(phone, "ul.tiles") <= SCREEN
    assert phone.locator("ul.tiles a").count() == 4
    assert "1 terlambat" in phone.locator("ul.tiles").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    button.click()  # the one tap
    phone.wait_for_url(live_server.url + "/visits/new/")


def test_outreach_worker_home_shows_the_days_work(live_server, phone, phone_of, putri, records):
    phone_of(putri)
    phone.goto(live_server.url + "/")
    screenshot(phone, "home-outreach-worker")
    assert phone.locator("a.btn-big").bounding_box()["y"] < 180
    assert _bottom(phone, "ul.tiles") <= SCREEN
    assert phone.locator("svg.mini-chart").count() == 1


def test_secretariat_home_shows_each_branch_with_the_last_visit(live_server, phone, phone_of, sari, bali, records):
    phone_of(sari)
    phone.goto(live_server.url + "/")
    screenshot(phone, "home-secretariat")
    rows = phone.locator("table.glance tbody tr")
    assert rows.count() == 2
    assert "senyap" in rows.first.inner_text() and "Bali" in rows.first.inner_text()
    assert rows.first.bounding_box()["y"] < SCREEN
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_administrator_home_shows_what_to_set_up(live_server, phone, phone_of, dewi, bali, records):
    phone_of(dewi)
    phone.goto(live_server.url + "/")
    screenshot(phone, "home-administrator")
    assert _bottom(phone, "ul.tiles") <= SCREEN
    assert "Bali" in phone.locator("main").inner_text()


def test_crisis_response_home_opens_on_the_incidents(live_server, phone, phone_of, records):
    phone_of(UserFactory(username="krisis", role=User.Role.CRISIS_RESPONSE))
    phone.goto(live_server.url + "/")
    screenshot(phone, "home-crisis-response")
    phone.locator("a.btn-big").click()
    phone.wait_for_url(live_server.url + "/incidents/")
