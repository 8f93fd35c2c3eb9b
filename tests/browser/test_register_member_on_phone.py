"""A coordinator registers a member on a phone and finds her by code."""

import pytest

from members.models import Member
from tests.browser.pages import type_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_registers_a_member_on_a_phone(live_server, phone, ayu, jakarta_dic):
    phone.context.add_cookies([{"name": "django_language", "value": "id", "url": live_server.url}])
    type_login(phone, live_server, "ayu")

    phone.goto(live_server.url + "/members/new/")
    phone.locator("#id_alias").fill("Melati")
    phone.locator("#id_gender").select_option("waria")
    phone.locator("#id_mother_first_name").fill("Dewi")
    phone.locator("#id_father_first_name").fill("Agus")
    phone.locator("#id_birth_date").fill("1995-01-30")
    phone.locator("#id_work_setting").select_option("venue")
    phone.locator("details.more-fields summary").click()  # the joining date is folded away, filled with today
    phone.locator("#id_joined_on").fill("2025-02-01")
    phone.locator("#id_consent_on").fill("2025-02-01")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone.locator("form.stack button[type=submit]").click()

    phone.wait_for_selector("h1 .chip")
    assert "DEAG3300195" in phone.locator("h1").inner_text()
    member = Member.objects.get()
    assert member.alias == "Melati" and member.branch.name == "Jakarta"

    phone.goto(live_server.url + "/members/?q=deag")
    assert "Melati" in phone.locator("main").inner_text()
