"""At the centre, on a 360 px phone: the common visit keeps its gestures (find, pick, tick, save),
and a visit with an HIV test and its result takes two more (open the care line, tap the result)."""

import pytest

from services.models import HealthCare, Visit
from tests.browser.pages import type_login
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Gestures:
    """The phone's page, counting what the person does: each tap, each text typed."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def type(self, selector, text):
        self.count += 1
        self.page.locator(selector).type(text)

    def tap(self, locator):
        self.count += 1
        locator.click()


def _find_and_pick(phone, gestures):
    gestures.type("#id_q", "maw")
    phone.wait_for_selector("#member-results a.pick")
    gestures.tap(phone.locator("#member-results a.pick").first)
    phone.wait_for_selector("form.stack button[type=submit]")


def test_the_common_visit_takes_four_gestures_and_no_care_is_asked(live_server, phone, ayu, jakarta_dic, catalogue):
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    MemberFactory(branch=jakarta_dic.branch, alias="Mawar", uic="SIBU2150390")
    type_login(phone, live_server, "ayu", "/visits/new/")
    gestures = Gestures(phone)

    _find_and_pick(phone, gestures)
    assert not phone.locator("details.care").evaluate("d => d.open")  # folded: nothing more to pass
    assert not phone.get_by_label("Reaktif", exact=True).is_visible()
    gestures.tap(phone.get_by_label("Konseling"))
    gestures.tap(phone.locator("form.stack button[type=submit]"))
    phone.wait_for_url(f"{live_server.url}/visits/*/")

    assert gestures.count == 4  # type, pick, tick, save: as before the care line was added
    assert Visit.objects.count() == 1 and not HealthCare.objects.exists()


def test_a_visit_with_an_hiv_test_and_its_result_in_six_gestures(live_server, phone, ayu, jakarta_dic, catalogue):
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    mawar = MemberFactory(branch=jakarta_dic.branch, alias="Mawar", uic="SIBU2150390")
    type_login(phone, live_server, "ayu", "/visits/new/")
    gestures = Gestures(phone)

    _find_and_pick(phone, gestures)
    gestures.tap(phone.get_by_label("Konseling"))
    gestures.tap(phone.locator("details.care summary"))
    gestures.tap(phone.get_by_label("Non-reaktif", exact=True))
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    box = phone.get_by_label("Non-reaktif", exact=True).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    gestures.tap(phone.locator("form.stack button[type=submit]"))
    phone.wait_for_url(f"{live_server.url}/visits/*/")

    assert gestures.count == 6
    care = HealthCare.objects.get()
    assert care.visit.member == mawar and care.hiv_tested and care.hiv_result.result == "non_reactive"
    # The coordinator of the branch reads it on the visit's page.
    assert "Non-reaktif" in phone.locator("main").inner_text()
