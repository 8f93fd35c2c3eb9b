"""A coordinator at a drop-in centre logs a visit on a phone: find, tick, save."""

import pytest

from services.models import Visit
from tests.browser.pages import type_login
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_a_visit_for_a_known_member_in_three_steps(live_server, phone, ayu, jakarta_dic, catalogue, stocked):
    ayu.usual_drop_in_centre = jakarta_dic
    ayu.save()
    mawar = MemberFactory(branch=jakarta_dic.branch, alias="Mawar", uic="SIBU2150390")
    type_login(phone, live_server, "ayu", "/visits/new/")

    # 1: type part of the alias; results appear without submitting
    phone.locator("#id_q").type("maw")
    phone.wait_for_selector("#member-results a.pick")
    # 2: tap the member
    phone.locator("#member-results a.pick").first.click()
    # 3: tick the services (with the quantity of condoms) and save
    phone.get_by_label("Konseling").check()
    phone.get_by_label("Kondom", exact=True).check()
    phone.locator(f"#id_qty_{catalogue['condoms'].pk}").fill("10")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone.locator("form.stack button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/visits/*/")

    visit = Visit.objects.get()
    assert visit.member == mawar and visit.drop_in_centre == jakarta_dic
    phone.goto(f"{live_server.url}/members/{mawar.pk}/")
    timeline = phone.locator("ol.timeline").inner_text()
    assert "DIC Jakarta Utara" in timeline and "Kondom" in timeline
