"""From the home page's count to the list of work, on a phone: all of it, late ones marked."""

import pytest

from .pages import branch_records, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_goes_from_the_count_to_every_referral_and_filters_the_late_ones(
    live_server, phone, phone_of, ayu, jakarta_dic, catalogue
):
    branch_records(jakarta_dic.branch, jakarta_dic, ayu)  # one referral 40 days old, one of today
    phone_of(ayu)
    phone.goto(live_server.url + "/")
    phone.locator("ul.tiles a[href*='/referrals/']").click()
    phone.wait_for_url("**/referrals/?state=open")
    cards = phone.locator("main ul.cards > li")
    assert cards.count() == 2
    assert "terlambat" in cards.nth(0).inner_text() and "terlambat" not in cards.nth(1).inner_text()
    screenshot(phone, "referrals-coordinator")

    assert cards.nth(0).bounding_box()["y"] < 740  # the work shows before the folded filter
    phone.locator("form.filters summary").click()
    phone.locator("#id_state").select_option("overdue")
    phone.locator("form.filters button[type=submit]").click()
    phone.wait_for_url("**state=overdue**")
    assert phone.locator("main ul.cards > li").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_paperwork_list_shows_open_cases_with_the_stuck_ones_marked(
    live_server, phone, phone_of, ayu, jakarta_dic, catalogue
):
    branch_records(jakarta_dic.branch, jakarta_dic, ayu)  # one KTP case, 45 days without a step
    phone_of(ayu)
    phone.goto(live_server.url + "/")
    phone.locator("ul.tiles a[href*='/cases/']").click()
    phone.wait_for_url("**/cases/stuck/?state=stuck")
    assert "macet" in phone.locator("main ul.cards").inner_text()
