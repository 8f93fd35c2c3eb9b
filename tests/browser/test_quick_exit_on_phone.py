"""The quick exit on a phone: the page left behind is not in the browser's history."""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

from .pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEUTRAL = "https://www.google.com/"


def test_the_exit_replaces_the_page_in_history_and_back_never_shows_it(live_server, phone, ayu, jakarta):
    member = MemberFactory(branch=jakarta, alias="Kenanga")
    # No internet here: the neutral site answers from the test.
    phone.route(
        NEUTRAL + "**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>Cuaca</title><p>cuaca</p>"),
    )
    log_in(phone, live_server, ayu)
    phone.goto(live_server.url + reverse("home"))
    member_page = live_server.url + reverse("member_detail", args=[member.pk])
    phone.goto(member_page)
    assert "Kenanga" in phone.locator("main").inner_text()
    length = phone.evaluate("history.length")

    phone.locator("a.exit").click()
    phone.wait_for_url(NEUTRAL + "**")
    assert phone.evaluate("history.length") == length  # replaced, not added

    phone.go_back()
    phone.wait_for_load_state()
    assert phone.url != member_page
    assert "Kenanga" not in phone.content()
    # The session is gone as well: the member page now asks for a login.
    phone.goto(member_page)
    assert "Kenanga" not in phone.locator("main").inner_text()
